/**
 * Schemas of declarative exposure: the Kyma-style rule policy an operation may carry (publisher), the
 * external authorizers rules name (admin), and the manifests REST resources behind `apim` (admin).
 */
import { ref, type JsonSchema } from './json-schema.js';

const str = { type: 'string' } as const;
const name = { type: 'string', minLength: 1, maxLength: 255 } as const;
const strings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const httpUrl = { type: 'string', format: 'uri', pattern: '^https?://' } as const;
const headerName = { type: 'string', pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" } as const;

/** The states of an object made by a manifest, as Kyma's APIRule status names them. */
export const MANIFEST_STATES = ['Processing', 'Ready', 'Warning', 'Error', 'Deleting'] as const;

/** What a gateway environment's deployment of a revision is, from what its gateways reported. */
export const DEPLOYMENT_STATES = ['PENDING', 'DEPLOYED', 'FAILED'] as const;

export const ruleSchemas: Record<string, JsonSchema> = {
  JwtRule: {
    type: 'object',
    required: ['authentications'],
    additionalProperties: false,
    properties: {
      authentications: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['issuer', 'jwksUri'],
          additionalProperties: false,
          properties: {
            issuer: { type: 'string', minLength: 1 },
            jwksUri: httpUrl,
            fromHeaders: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: { name: headerName, prefix: str },
              },
            },
            fromParams: strings,
          },
        },
      },
      authorizations: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: { requiredScopes: strings, audiences: strings },
        },
      },
    },
  },
  OperationRule: {
    type: 'object',
    required: ['access'],
    additionalProperties: false,
    description:
      "Kyma-style policy of one operation: its access strategy, backend, timeout and request mutations, replacing the API's security, subscriptions and endpoints for it",
    properties: {
      access: {
        oneOf: [
          {
            type: 'object',
            required: ['strategy'],
            additionalProperties: false,
            properties: { strategy: { const: 'noAuth' } },
          },
          {
            type: 'object',
            required: ['strategy', 'jwt'],
            additionalProperties: false,
            properties: { strategy: { const: 'jwt' }, jwt: ref('JwtRule') },
          },
          {
            type: 'object',
            required: ['strategy', 'authorizers'],
            additionalProperties: false,
            properties: {
              strategy: { const: 'extAuth' },
              authorizers: { ...strings, minItems: 1 },
              restrictions: ref('JwtRule'),
            },
          },
        ],
      },
      service: {
        type: 'object',
        required: ['url'],
        additionalProperties: false,
        properties: { url: httpUrl },
      },
      timeoutMs: { type: 'integer', minimum: 1000, maximum: 3_900_000 },
      request: {
        type: 'object',
        additionalProperties: false,
        properties: {
          headers: { type: 'object', propertyNames: headerName, additionalProperties: str },
          cookies: { type: 'object', additionalProperties: str },
        },
      },
    },
  },
  ManagedBy: {
    type: 'object',
    description: 'the manifest that made this object (apim apply), with its status',
    required: ['kind', 'name', 'state'],
    properties: {
      apiVersion: str,
      kind: str,
      name: str,
      label: { type: ['string', 'null'] },
      state: { enum: [...MANIFEST_STATES] },
      description: { type: ['string', 'null'] },
      appliedAt: str,
    },
  },
};

export const authorizerSchemas: Record<string, JsonSchema> = {
  ExternalAuthorizer: {
    type: 'object',
    required: ['name', 'url'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', readOnly: true },
      name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
      url: { ...httpUrl, description: "Envoy ext_authz (HTTP): the request's path is appended" },
      headersToSend: { type: 'array', items: headerName, default: [] },
      headersToPassBack: { type: 'array', items: headerName, default: [] },
      timeoutMs: { type: 'integer', minimum: 10, maximum: 60_000, default: 1000 },
      failClosed: { type: 'boolean', default: true },
      createdTime: { type: 'string', readOnly: true },
    },
  },
  ExternalAuthorizerList: {
    type: 'object',
    required: ['count', 'list'],
    properties: { count: { type: 'integer' }, list: { type: 'array', items: ref('ExternalAuthorizer') } },
  },
};

const manifestDocument: JsonSchema = {
  type: 'object',
  required: ['manifest'],
  additionalProperties: false,
  properties: {
    /** where the CLI read it, for errors that name the file and the document */
    source: {
      type: 'object',
      required: ['file', 'index'],
      additionalProperties: false,
      properties: { file: str, index: { type: 'integer', minimum: 0 } },
    },
    manifest: { type: 'object' },
  },
};

export const manifestSchemas: Record<string, JsonSchema> = {
  ManifestDocument: manifestDocument,
  ManifestRequest: {
    type: 'object',
    required: ['documents'],
    additionalProperties: false,
    properties: {
      documents: { type: 'array', items: ref('ManifestDocument'), maxItems: 10_000 },
      /** objects applied under it are pruned (prune: true) when these documents no longer hold them */
      label: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' },
      prune: { type: 'boolean', default: false },
      dryRun: { type: 'boolean', default: false },
      /** wait for the gateways' answer before answering (seconds; 0: do not wait) */
      waitSeconds: { type: 'integer', minimum: 0, maximum: 600, default: 30 },
    },
  },
  FieldChange: {
    type: 'object',
    required: ['path'],
    properties: { path: str, from: {}, to: {} },
  },
  ManifestObjectResult: {
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'action'],
    properties: {
      apiVersion: str,
      kind: str,
      name: str,
      action: { enum: ['create', 'update', 'unchanged', 'delete'] },
      changes: { type: 'array', items: ref('FieldChange') },
      objectId: { type: ['string', 'null'] },
      state: { enum: [...MANIFEST_STATES] },
      description: { type: ['string', 'null'] },
    },
  },
  ManifestResult: {
    type: 'object',
    required: ['changed', 'objects'],
    properties: {
      changed: { type: 'boolean' },
      dryRun: { type: 'boolean' },
      objects: { type: 'array', items: ref('ManifestObjectResult') },
    },
  },
  ManifestProblem: {
    type: 'object',
    required: ['pointer', 'message'],
    properties: {
      file: { type: ['string', 'null'] },
      document: { type: 'integer' },
      pointer: { type: 'string', description: 'JSON pointer into the document' },
      message: str,
    },
  },
  ManagedObjectStatus: {
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'state'],
    properties: {
      apiVersion: str,
      kind: str,
      name,
      label: { type: ['string', 'null'] },
      objectId: str,
      state: { enum: [...MANIFEST_STATES] },
      description: { type: ['string', 'null'] },
      appliedAt: str,
      appliedBy: { type: ['string', 'null'] },
    },
  },
  ManagedObjectList: {
    type: 'object',
    required: ['count', 'list'],
    properties: { count: { type: 'integer' }, list: { type: 'array', items: ref('ManagedObjectStatus') } },
  },
  ManifestExport: {
    type: 'object',
    required: ['documents'],
    properties: { documents: { type: 'array', items: { type: 'object' } } },
  },
};

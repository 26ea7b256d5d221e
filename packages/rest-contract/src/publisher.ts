/** JSON Schemas of the publisher API's bodies, with WSO2's field names. */
import { API_DEFAULTS } from './defaults.js';
import { DEPLOYMENT_STATES } from './declarative.js';
import { listOf, paginationSchema, ref, type JsonSchema } from './json-schema.js';

const str = { type: 'string' } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

/** The methods an API's operations (resources) can have. */
export const HTTP_VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
/** The verbs of an async API's channels (WS, SSE, WebSub), as WSO2 names them. */
export const ASYNC_VERBS = ['SUBSCRIBE', 'PUBLISH'] as const;
/** The root operation types of a GraphQL API: each of its operations is one field of one of them. */
export const GRAPHQL_VERBS = ['QUERY', 'MUTATION', 'SUBSCRIPTION'] as const;
/** WSO2's API types this product publishes: REST (HTTP), WebSocket, Server-Sent Events, WebSub, GraphQL. */
export const API_TYPES = ['HTTP', 'WS', 'SSE', 'WEBSUB', 'GRAPHQL'] as const;

export const LIFECYCLE_STATES = [
  'CREATED',
  'PROTOTYPED',
  'PUBLISHED',
  'BLOCKED',
  'DEPRECATED',
  'RETIRED',
] as const;
export const LIFECYCLE_ACTIONS = [
  'Publish',
  'Deploy as a Prototype',
  'Demote to Created',
  'Block',
  'Deprecate',
  'Re-Publish',
  'Retire',
] as const;

const endpointUrl: JsonSchema = {
  type: 'object',
  required: ['url'],
  properties: { url: { type: 'string', format: 'uri', pattern: '^https?://' } },
};
const endpointUrls: JsonSchema = { oneOf: [endpointUrl, { type: 'array', items: endpointUrl, minItems: 1 }] };

export const publisherSchemas: Record<string, JsonSchema> = {
  EndpointConfig: {
    type: 'object',
    required: ['endpoint_type'],
    properties: {
      endpoint_type: { enum: ['http', 'load_balance', 'failover'] },
      production_endpoints: endpointUrls,
      sandbox_endpoints: endpointUrls,
      production_failovers: { type: 'array', items: endpointUrl },
      sandbox_failovers: { type: 'array', items: endpointUrl },
      endpointTimeoutMs: { type: 'integer', minimum: 1, maximum: 600_000 },
      connectTimeoutMs: { type: 'integer', minimum: 1, maximum: 600_000 },
      suspendAfterFailures: { type: 'integer', minimum: 1 },
      suspendDurationMs: { type: 'integer', minimum: 0 },
    },
  },
  APICorsConfiguration: {
    type: 'object',
    properties: {
      corsConfigurationEnabled: { type: 'boolean' },
      accessControlAllowOrigins: strings,
      accessControlAllowCredentials: { type: 'boolean' },
      accessControlAllowHeaders: strings,
      accessControlAllowMethods: strings,
      accessControlExposeHeaders: strings,
      accessControlAllowOriginMatchers: {
        type: 'array',
        description:
          "origins matched as Kyma's corsPolicy.allowOrigins matches them, besides accessControlAllowOrigins",
        items: {
          type: 'object',
          minProperties: 1,
          maxProperties: 1,
          additionalProperties: false,
          properties: { exact: str, prefix: str, regex: str },
        },
      },
      accessControlMaxAge: {
        type: 'integer',
        minimum: 1,
        description: 'Access-Control-Max-Age of preflights, seconds',
      },
      removeBackendCorsHeaders: {
        type: 'boolean',
        description: "the backend's Access-Control-* headers removed (an APIRule without corsPolicy)",
      },
    },
  },
  APIMaxTps: {
    type: 'object',
    properties: { production: { type: 'integer', minimum: 1 }, sandbox: { type: 'integer', minimum: 1 } },
  },
  APIBusinessInformation: {
    type: 'object',
    properties: {
      businessOwner: str,
      businessOwnerEmail: str,
      technicalOwner: str,
      technicalOwnerEmail: str,
    },
  },
  APIOperations: {
    type: 'object',
    required: ['target', 'verb'],
    properties: {
      id: str,
      target: {
        type: 'string',
        // a path (HTTP), a channel (async APIs), or a root field's name (GraphQL)
        pattern: '^(/|[_A-Za-z][_0-9A-Za-z]*$)',
        maxLength: 1000,
      },
      verb: { enum: [...HTTP_VERBS, ...ASYNC_VERBS, ...GRAPHQL_VERBS] },
      authType: {
        enum: ['Application & Application User', 'Application', 'Application User', 'Any', 'None'],
      },
      throttlingPolicy: { type: ['string', 'null'] },
      scopes: strings,
      operationPolicies: {},
      rule: { oneOf: [ref('OperationRule'), { type: 'null' }] },
    },
  },
  Scope: {
    type: 'object',
    required: ['name'],
    properties: {
      id: str,
      name: { type: 'string', pattern: '^[^\\s]+$', maxLength: 255 },
      displayName: str,
      description: str,
      bindings: strings,
      usageCount: { type: 'integer' },
    },
  },
  APIScope: {
    type: 'object',
    required: ['scope'],
    properties: { scope: ref('Scope'), shared: { type: 'boolean' } },
  },
  API: {
    type: 'object',
    required: ['name', 'context', 'version'],
    properties: {
      id: { type: 'string', readOnly: true },
      name: {
        type: 'string',
        minLength: 1,
        maxLength: 60,
        pattern: '^[^~!@#;:%^*()+={}|\\\\<>"\',&$\\[\\]/]+$',
      },
      description: { type: ['string', 'null'], maxLength: 32766 },
      context: {
        type: 'string',
        minLength: 2,
        maxLength: 232,
        pattern: '^/[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*$',
      },
      version: {
        type: 'string',
        minLength: 1,
        maxLength: 30,
        pattern: '^[^~!@#;:%^*()+={}|\\\\<>"\',&/$\\[\\]\\s]+$',
      },
      provider: { type: 'string', readOnly: true },
      lifeCycleStatus: { type: 'string', readOnly: true },
      isDefaultVersion: { type: 'boolean' },
      type: { enum: [...API_TYPES], default: 'HTTP', description: 'set when the API is created' },
      transport: strings,
      tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 } },
      policies: { type: 'array', items: str, default: API_DEFAULTS.policies },
      apiThrottlingPolicy: { type: ['string', 'null'] },
      authorizationHeader: {
        type: ['string', 'null'],
        pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
        default: API_DEFAULTS.authorizationHeader,
      },
      apiKeyHeader: {
        type: ['string', 'null'],
        pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
        default: API_DEFAULTS.apiKeyHeader,
      },
      securityScheme: {
        type: 'array',
        items: {
          enum: [
            'oauth2',
            'api_key',
            'basic_auth',
            'mutualssl',
            'oauth_basic_auth_api_key_mandatory',
            'mutualssl_mandatory',
          ],
        },
        default: API_DEFAULTS.securityScheme,
      },
      maxTps: { oneOf: [ref('APIMaxTps'), { type: 'null' }] },
      visibility: { enum: ['PUBLIC', 'PRIVATE', 'RESTRICTED'], default: API_DEFAULTS.visibility },
      visibleRoles: strings,
      endpointConfig: { ...ref('EndpointConfig'), default: API_DEFAULTS.endpointConfig },
      corsConfiguration: { oneOf: [ref('APICorsConfiguration'), { type: 'null' }] },
      businessInformation: { oneOf: [ref('APIBusinessInformation'), { type: 'null' }] },
      enableSchemaValidation: { type: 'boolean', default: API_DEFAULTS.enableSchemaValidation },
      responseCachingEnabled: {
        type: 'boolean',
        description: 'gateways keep successful GET answers',
        default: API_DEFAULTS.responseCachingEnabled,
      },
      cacheTimeout: {
        type: 'integer',
        minimum: 1,
        maximum: 86400,
        description: 'how long (seconds) a cached answer is served',
        default: API_DEFAULTS.cacheTimeout,
      },
      keyManagers: {
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: 100 },
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        default: API_DEFAULTS.keyManagers,
        description:
          'the key managers whose tokens the API accepts: ["all"] (the default), or names of key managers ("Resident Key Manager" or an external one)',
      },
      mediationPolicies: {},
      hosts: {
        type: 'array',
        maxItems: 100,
        uniqueItems: true,
        items: { type: 'string', format: 'hostname', maxLength: 253 },
        description:
          'Kyma exposure: the API answers on these hosts at the root path, its operations matched in order (the earlier first); empty: by context',
      },
      managedBy: { oneOf: [ref('ManagedBy'), { type: 'null' }], readOnly: true },
      operations: { type: 'array', items: ref('APIOperations'), maxItems: 5000 },
      scopes: { type: 'array', items: ref('APIScope') },
      createdTime: { type: 'string', readOnly: true },
      lastUpdatedTime: { type: 'string', readOnly: true },
    },
  },
  APIInfo: {
    type: 'object',
    properties: {
      id: str,
      name: str,
      description: { type: ['string', 'null'] },
      context: str,
      version: str,
      provider: str,
      type: str,
      lifeCycleStatus: str,
      isDefaultVersion: { type: 'boolean' },
      tags: strings,
      createdTime: str,
      updatedTime: str,
    },
  },
  APIList: listOf(ref('APIInfo')),
  LifecycleState: {
    type: 'object',
    properties: {
      state: { enum: [...LIFECYCLE_STATES] },
      availableTransitions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['event', 'targetState'],
          properties: { event: str, targetState: str },
        },
      },
    },
  },
  WorkflowResponse: {
    type: 'object',
    properties: {
      workflowStatus: { enum: ['APPROVED', 'CREATED', 'REJECTED'] },
      jsonPayload: str,
      lifecycleState: ref('LifecycleState'),
    },
  },
  APIRevision: {
    type: 'object',
    properties: {
      id: str,
      displayName: str,
      description: { type: ['string', 'null'] },
      createdTime: str,
      apiInfo: { type: 'object', properties: { id: str } },
      deploymentInfo: { type: 'array', items: ref('APIRevisionDeployment') },
    },
  },
  APIRevisionList: listOf(ref('APIRevision')),
  APIRevisionDeployment: {
    type: 'object',
    required: ['name'],
    properties: {
      revisionUuid: str,
      name: { type: 'string', minLength: 1 },
      vhost: str,
      displayOnDevportal: { type: 'boolean' },
      deployedTime: str,
      status: {
        enum: [...DEPLOYMENT_STATES],
        readOnly: true,
        description:
          'DEPLOYED when every live gateway of the environment serves the revision, FAILED when one refused it (statusReason says why), PENDING until then',
      },
      statusReason: { type: ['string', 'null'], readOnly: true },
      gateways: {
        type: 'array',
        readOnly: true,
        items: {
          type: 'object',
          required: ['gatewayId', 'state'],
          properties: {
            gatewayId: str,
            state: { enum: ['ACCEPTED', 'REFUSED', 'PENDING'] },
            reason: { type: ['string', 'null'] },
            updatedTime: { type: ['string', 'null'] },
          },
        },
      },
    },
  },
  OpenAPIDefinitionValidationResponse: {
    type: 'object',
    properties: {
      isValid: { type: 'boolean' },
      info: { type: 'object' },
      errors: { type: 'array' },
      lint: { type: 'array', items: ref('LintResult'), description: "Spectral's findings (oas ruleset)" },
    },
  },
  LintResult: {
    type: 'object',
    required: ['severity', 'rule', 'message', 'path', 'line', 'column'],
    description: 'A finding of the OpenAPI linter (Spectral, oas ruleset); never blocks an import',
    properties: {
      severity: { enum: ['error', 'warn', 'info', 'hint'] },
      rule: str,
      message: str,
      path: { ...strings, description: 'where in the document, as JSON path segments' },
      line: { type: 'integer', minimum: 1 },
      column: { type: 'integer', minimum: 1 },
    },
  },
  ImportedAPI: {
    description:
      "The API an import created, with the linter's findings on its document and what the import changed in it",
    allOf: [
      ref('API'),
      {
        type: 'object',
        required: ['lint', 'warnings'],
        properties: {
          lint: { type: 'array', items: ref('LintResult') },
          warnings: { type: 'array', items: ref('ImportWarning') },
        },
      },
    ],
  },
  ImportWarning: {
    type: 'object',
    required: ['message', 'scope', 'renamedTo', 'ownerApi'],
    description:
      "A scope the document requires that another API owns: the new API's operations require a scope of its own under a new name",
    properties: {
      message: str,
      scope: { ...str, description: "the document's scope name" },
      renamedTo: {
        ...str,
        description: "the name of the new API's own scope, in its operations and document",
      },
      ownerApi: {
        type: 'object',
        required: ['id', 'name', 'version'],
        properties: { id: str, name: str, version: str },
      },
    },
  },
};

const alias = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$' } as const;
const tier = { type: 'string', minLength: 1, maxLength: 255 } as const;
export const certificateKeyType = { enum: ['PRODUCTION', 'SANDBOX'] } as const;
/** A client certificate's alias, tier and key type, as the upload's form fields and the list's query give them. */
export const clientCertificateFields = { alias, tier, keyType: certificateKeyType };

export const clientCertificateSchemas: Record<string, JsonSchema> = {
  ClientCertMetadata: {
    type: 'object',
    properties: { alias: str, apiId: str, tier: str, keyType: certificateKeyType },
  },
  ClientCertificates: {
    type: 'object',
    required: ['count', 'certificates'],
    properties: {
      count: { type: 'integer' },
      certificates: { type: 'array', items: ref('ClientCertMetadata') },
      pagination: paginationSchema,
    },
  },
  CertificateInfo: {
    type: 'object',
    properties: {
      status: { enum: ['Active', 'Expired', 'Inactive'] },
      validity: { type: 'object', required: ['from', 'to'], properties: { from: str, to: str } },
      subject: str,
      issuer: str,
      serialNumber: str,
      /** SHA-256 of the DER certificate, lower-case hex: what gateways match */
      fingerprint: str,
    },
  },
};

export const publisherKeyManagerSchemas: Record<string, JsonSchema> = {
  KeyManagerInfo: {
    type: 'object',
    required: ['name', 'displayName', 'type', 'enabled'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', description: "what an API's keyManagers names" },
      displayName: { type: 'string' },
      type: { type: 'string', description: '"default" for the resident key manager' },
      enabled: { type: 'boolean' },
    },
  },
  KeyManagerList: listOf(ref('KeyManagerInfo')),
};

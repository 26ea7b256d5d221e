/**
 * JSON Schemas of Kyma's APIRule, written from its CRDs (kyma-project/api-gateway,
 * apis/gateway/v2/apirule_types.go and v1beta1/apirule_types.go): the fields, their patterns and
 * ranges. The rules a schema cannot say (one access strategy, path conflicts, hosts) are in
 * ../kyma/rules.ts.
 */
import type { JsonSchema } from '@apim/rest-contract';

export const KYMA_GROUP = 'gateway.kyma-project.io';
export const APIRULE_V2 = `${KYMA_GROUP}/v2`;
export const APIRULE_V1BETA1 = `${KYMA_GROUP}/v1beta1`;

/** The methods an APIRule rule may list (Kyma's HttpMethod enum). */
export const KYMA_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;
const dnsLabel = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const dnsName = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Kyma's rule path: segments of URL characters, `{*}`, `{**}`, or `/*` alone. */
export const KYMA_PATH =
  "^((\\/([A-Za-z0-9-._~!$&'()+,;=:@]|%[0-9a-fA-F]{2})*)|(\\/\\{\\*{1,2}\\}))+$|^\\/\\*$";
const gatewayName = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$';

/** Kubernetes metadata: name and namespace checked, the rest (uid, labels, annotations...) kept. */
const metadata: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 253, pattern: dnsName },
    namespace: { type: 'string', maxLength: 63, pattern: dnsLabel },
    labels: { type: 'object', additionalProperties: str },
    annotations: { type: 'object', additionalProperties: str },
  },
};

const service: JsonSchema = {
  type: 'object',
  required: ['name', 'port'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 63, pattern: dnsLabel },
    namespace: { type: 'string', maxLength: 63, pattern: dnsLabel },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    external: { type: 'boolean' },
  },
};

const timeout: JsonSchema = { type: 'integer', minimum: 1, maximum: 3900 };

const jwtConfig: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    authentications: {
      type: 'array',
      items: {
        type: 'object',
        required: ['issuer', 'jwksUri'],
        additionalProperties: false,
        properties: {
          issuer: str,
          jwksUri: str,
          fromHeaders: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: { name: { type: 'string', minLength: 1 }, prefix: str },
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
};

const stringMatch: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    minProperties: 1,
    propertyNames: { enum: ['exact', 'prefix', 'regex'] },
    additionalProperties: str,
  },
};

const corsPolicy = (maxAge: JsonSchema): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    allowHeaders: strings,
    allowMethods: strings,
    allowOrigins: stringMatch,
    allowCredentials: { type: 'boolean' },
    exposeHeaders: strings,
    maxAge,
  },
});

const envelope = (apiVersion: string, spec: JsonSchema): JsonSchema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: `${apiVersion} APIRule`,
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: apiVersion },
    kind: { const: 'APIRule' },
    metadata,
    spec,
    status: { description: "ignored: Kyma's status, as `kubectl get -o yaml` writes it" },
  },
  additionalProperties: false,
});

const apiRuleV2: JsonSchema = envelope(APIRULE_V2, {
  type: 'object',
  required: ['hosts', 'rules'],
  additionalProperties: false,
  properties: {
    hosts: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 255 } },
    service,
    gateway: { type: 'string', maxLength: 127, pattern: gatewayName },
    corsPolicy: corsPolicy({ type: 'integer', minimum: 1 }),
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['path'],
        additionalProperties: false,
        properties: {
          path: { type: 'string', pattern: KYMA_PATH },
          service,
          methods: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: KYMA_METHODS } },
          noAuth: { type: 'boolean' },
          jwt: jwtConfig,
          extAuth: {
            type: 'object',
            required: ['authorizers'],
            additionalProperties: false,
            properties: { authorizers: { type: 'array', minItems: 1, items: str }, restrictions: jwtConfig },
          },
          timeout,
          request: {
            type: 'object',
            additionalProperties: false,
            properties: {
              cookies: { type: 'object', additionalProperties: str },
              headers: { type: 'object', additionalProperties: str },
            },
          },
        },
      },
    },
    timeout,
  },
});

const handler: JsonSchema = {
  type: 'object',
  required: ['handler'],
  additionalProperties: false,
  properties: { handler: { type: 'string', minLength: 1 }, config: { type: 'object' } },
};

const apiRuleV1beta1: JsonSchema = envelope(APIRULE_V1BETA1, {
  type: 'object',
  required: ['host', 'rules'],
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 255 },
    service,
    gateway: { type: 'string', maxLength: 127 },
    corsPolicy: corsPolicy({ type: 'string', description: 'a Go duration, e.g. 300s or 5m' }),
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['path', 'methods', 'accessStrategies'],
        additionalProperties: false,
        properties: {
          path: { type: 'string', minLength: 1 },
          service,
          methods: { type: 'array', minItems: 1, items: { enum: KYMA_METHODS } },
          accessStrategies: { type: 'array', minItems: 1, items: handler },
          mutators: { type: 'array', items: handler },
          timeout,
        },
      },
    },
    timeout,
  },
});

export const kymaSchemas: Record<string, JsonSchema> = {
  [`${APIRULE_V2}/APIRule`]: apiRuleV2,
  [`${APIRULE_V1BETA1}/APIRule`]: apiRuleV1beta1,
};

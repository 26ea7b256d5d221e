/** JSON Schemas of the developer portal API, with WSO2's field names. */
import { API_DEFAULTS } from './defaults.js';
import { listOf, ref, type JsonSchema } from './json-schema.js';
import { email, username } from './admin.js';

const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;
const nullableStr = { type: ['string', 'null'] } as const;
export const keyType = { enum: ['PRODUCTION', 'SANDBOX'] } as const;
export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token', 'password'] as const;

export const devportalSchemas: Record<string, JsonSchema> = {
  APIInfo: {
    type: 'object',
    properties: {
      id: str,
      name: str,
      description: { type: ['string', 'null'] },
      context: str,
      version: str,
      type: str,
      provider: str,
      lifeCycleStatus: str,
      isDefaultVersion: { type: 'boolean' },
      tags: strings,
      throttlingPolicies: strings,
    },
  },
  APIList: listOf(ref('APIInfo')),
  API: {
    allOf: [
      ref('APIInfo'),
      {
        type: 'object',
        properties: {
          tiers: {
            type: 'array',
            items: {
              type: 'object',
              required: ['tierName'],
              properties: {
                tierName: str,
                tierPlan: str,
                description: str,
                requestCount: { type: ['integer', 'null'] },
                unitTime: { type: 'integer' },
                timeUnit: str,
              },
            },
          },
          securityScheme: strings,
          keyManagers: {
            ...strings,
            description: 'key managers whose tokens the API accepts: ["all"] or names',
          },
          authorizationHeader: { ...str, default: API_DEFAULTS.authorizationHeader },
          apiKeyHeader: { ...str, default: API_DEFAULTS.apiKeyHeader },
          businessInformation: { type: ['object', 'null'] },
          endpointURLs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['environmentName', 'URLs'],
              properties: {
                environmentName: str,
                environmentDisplayName: str,
                environmentType: str,
                URLs: { type: 'object', properties: { http: nullableStr, https: nullableStr } },
                defaultVersionURLs: {
                  type: ['object', 'null'],
                  properties: { http: nullableStr, https: nullableStr },
                },
              },
            },
          },
          operations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['target', 'verb'],
              properties: { target: str, verb: str, authType: str, scopes: strings },
            },
          },
        },
      },
    ],
  },
  Application: {
    type: 'object',
    required: ['name', 'throttlingPolicy'],
    properties: {
      applicationId: { type: 'string', readOnly: true },
      name: {
        type: 'string',
        minLength: 1,
        maxLength: 100,
        pattern: '^[^~!@#;:%^*()+={}|\\\\<>"\',&/$\\[\\]]+$',
      },
      throttlingPolicy: { type: 'string', minLength: 1 },
      description: { type: ['string', 'null'], maxLength: 512 },
      tokenType: { enum: ['JWT', 'OAUTH'] },
      status: { type: 'string', readOnly: true },
      attributes: { type: 'object', additionalProperties: { type: 'string' } },
      owner: { type: 'string', readOnly: true },
      subscriptionCount: { type: 'integer', readOnly: true },
      keys: { type: 'array', readOnly: true },
      groups: strings,
      createdTime: { type: 'string', readOnly: true },
      updatedTime: { type: 'string', readOnly: true },
    },
  },
  ApplicationList: listOf(ref('Application')),
  ApplicationKeyGenerateRequest: {
    type: 'object',
    required: ['keyType'],
    properties: {
      keyType,
      keyManager: {
        type: 'string',
        minLength: 1,
        description: 'name of the key manager (GET /key-managers); default: Resident Key Manager',
      },
      grantTypesToBeSupported: { type: 'array', items: { enum: [...GRANT_TYPES] }, minItems: 1 },
      callbackUrl: { type: ['string', 'null'] },
      scopes: strings,
      validityTime: { type: ['string', 'integer'], pattern: '^[0-9]+$' },
      additionalProperties: { type: 'object' },
    },
  },
  ApplicationKey: {
    type: 'object',
    required: ['keyMappingId', 'keyManager', 'consumerKey', 'keyType', 'mode'],
    properties: {
      keyMappingId: str,
      keyManager: str,
      consumerKey: str,
      consumerSecret: { type: 'string', description: 'returned only when generated or regenerated' },
      supportedGrantTypes: {
        ...strings,
        description: "absent for an external key manager's key, whose client is read only when registered",
      },
      callbackUrl: { type: ['string', 'null'] },
      keyState: str,
      keyType,
      mode: { enum: ['CREATED', 'MAPPED'], description: 'MAPPED: an existing client added by map-keys' },
      additionalProperties: { type: 'object' },
    },
  },
  ApplicationKeyList: listOf(ref('ApplicationKey')),
  ApplicationKeyMappingRequest: {
    type: 'object',
    required: ['consumerKey', 'keyType'],
    properties: {
      consumerKey: { type: 'string', minLength: 1, maxLength: 255 },
      consumerSecret: {
        type: 'string',
        minLength: 1,
        maxLength: 512,
        description:
          "checked at the key manager's token endpoint when it has one, never stored; required for the Resident Key Manager",
      },
      keyType,
      keyManager: {
        type: 'string',
        minLength: 1,
        description: 'name of the key manager (GET /key-managers); default: Resident Key Manager',
      },
    },
  },
  ApplicationKeyReGenerateResponse: {
    type: 'object',
    required: ['consumerKey', 'consumerSecret'],
    properties: { consumerKey: str, consumerSecret: str },
  },
  KeyManagerInfo: {
    type: 'object',
    required: ['name', 'type', 'enabled'],
    properties: {
      id: str,
      name: str,
      displayName: str,
      type: { type: 'string', description: '"default" for the Resident Key Manager' },
      description: str,
      enabled: { type: 'boolean' },
      enableOAuthAppCreation: {
        type: 'boolean',
        description: 'generate-keys creates clients there (dynamic client registration)',
      },
      enableMapOAuthConsumerApps: { type: 'boolean', description: 'map-keys accepts its clients' },
      enableTokenGeneration: { type: 'boolean', description: 'generate-token gets tokens from it' },
      availableGrantTypes: strings,
      tokenEndpoint: str,
    },
  },
  KeyManagerList: listOf(ref('KeyManagerInfo')),
  ApplicationKeyUpdate: {
    type: 'object',
    properties: {
      supportedGrantTypes: { type: 'array', items: { enum: [...GRANT_TYPES] }, minItems: 1 },
      callbackUrl: { type: ['string', 'null'] },
      additionalProperties: {
        type: 'object',
        properties: {
          application_access_token_expiry_time: { type: ['string', 'integer'], pattern: '^[0-9]+$' },
        },
      },
    },
  },
  ApplicationTokenGenerateRequest: {
    type: 'object',
    properties: {
      consumerSecret: {
        type: 'string',
        minLength: 1,
        maxLength: 512,
        description:
          "the key's consumer secret; absent: a token for the application's signed-in owner from the resident key manager, with scopes of the APIs the application is subscribed to (WSO2's devportal generates tokens so)",
      },
      validityPeriod: {
        type: 'integer',
        maximum: Number.MAX_SAFE_INTEGER,
        description:
          "seconds the token is valid, above 0; -1 or absent: the key's validity time (additionalProperties.application_access_token_expiry_time). A longer period than the key's validity time gets the key's validity time: as in WSO2, the smaller of the two. The answer's validityTime says which.",
      },
      scopes: strings,
      revokeToken: { type: ['string', 'null'] },
      grantType: { enum: ['CLIENT_CREDENTIALS', 'client_credentials'] },
      additionalProperties: { type: 'object' },
    },
  },
  ApplicationToken: {
    type: 'object',
    properties: { accessToken: str, tokenScopes: strings, validityTime: { type: 'integer' } },
  },
  APIKeyGenerateRequest: {
    type: 'object',
    properties: {
      validityPeriod: { type: 'integer', minimum: -1, description: 'seconds; -1 or 0: never expires' },
      additionalProperties: {
        type: 'object',
        properties: {
          permittedIP: { type: 'string', description: 'comma-separated IPs or CIDR ranges' },
          permittedReferer: { type: 'string', description: 'comma-separated referrer patterns' },
        },
      },
    },
  },
  APIKey: {
    type: 'object',
    properties: { keyName: str, apikey: str, validityTime: { type: 'integer' } },
  },
  APIKeyInfo: {
    type: 'object',
    description: 'An issued API key as kept after issuing it: never the key itself',
    required: ['keyUUID', 'keyName', 'keyType', 'createdTime', 'expiresAt'],
    properties: {
      keyUUID: {
        type: 'string',
        format: 'uuid',
        description: 'what DELETE .../api-keys/{keyType}/{keyUUID} revokes',
      },
      keyName: {
        type: 'string',
        description: "the key's token id (its jti), as answered when it was issued",
      },
      keyType,
      lastCharacters: {
        type: ['string', 'null'],
        description:
          'the last 4 characters of the key, to tell keys apart (null: issued before they were kept)',
      },
      permittedIP: str,
      permittedReferer: str,
      createdTime: { type: 'string', format: 'date-time' },
      expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'null: never expires' },
    },
  },
  APIKeyInfoList: listOf(ref('APIKeyInfo')),
  APIKeyRevokeRequest: {
    type: 'object',
    required: ['apikey'],
    properties: { apikey: { type: 'string', minLength: 1 } },
  },
  Subscription: {
    type: 'object',
    required: ['applicationId', 'apiId', 'throttlingPolicy'],
    properties: {
      subscriptionId: { type: 'string', readOnly: true },
      applicationId: { type: 'string', format: 'uuid' },
      apiId: { type: 'string', format: 'uuid' },
      apiInfo: { ...ref('APIInfo'), readOnly: true },
      throttlingPolicy: { type: 'string', minLength: 1 },
      requestedThrottlingPolicy: { type: ['string', 'null'], readOnly: true },
      status: { type: 'string', readOnly: true },
    },
  },
  SubscriptionList: listOf(ref('Subscription')),
  SignUp: {
    type: 'object',
    required: ['username', 'password'],
    additionalProperties: false,
    properties: {
      username,
      password: { type: 'string', minLength: 8, maxLength: 256 },
      email,
      displayName: { type: 'string', maxLength: 255 },
    },
  },
  ThrottlingPolicy: {
    type: 'object',
    properties: {
      name: str,
      description: str,
      policyLevel: str,
      requestCount: { type: ['integer', 'null'] },
      unitTime: { type: 'integer' },
      timeUnit: str,
      tierPlan: str,
    },
  },
};

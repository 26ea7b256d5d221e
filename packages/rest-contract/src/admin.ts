/** JSON Schemas of the admin API: throttling and deny policies, environments, key managers, users and roles, workflows and settings. */
import { KEY_MANAGER_TYPES } from '@apim/contracts';
import { KEY_MANAGER_ALGORITHMS, KEY_MANAGER_DEFAULTS } from './defaults.js';
import { listOf, ref, type JsonSchema } from './json-schema.js';

const password: JsonSchema = { type: 'string', minLength: 8, maxLength: 256 };
export const username: JsonSchema = {
  type: 'string',
  minLength: 3,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._@-]+$',
};
export const email: JsonSchema = { type: 'string', format: 'email', maxLength: 254 };

export const userSchemas: Record<string, JsonSchema> = {
  User: {
    type: 'object',
    required: ['username'],
    properties: {
      id: { type: 'string', readOnly: true },
      username,
      password: { ...password, writeOnly: true },
      email: { ...email, type: ['string', 'null'] },
      displayName: { type: 'string', maxLength: 255 },
      roles: { type: 'array', items: { type: 'string' } },
      enabled: { type: 'boolean' },
      createdTime: { type: 'string', readOnly: true },
    },
  },
  Role: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
      description: { type: 'string', maxLength: 255 },
      builtIn: { type: 'boolean', readOnly: true },
    },
  },
  UserList: listOf(ref('User')),
  RoleList: listOf(ref('Role')),
};

/** The time units of a throttling limit. */
export const TIME_UNITS = ['sec', 'min', 'hour', 'day'] as const;
const ipAddress: JsonSchema = { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] };

const requestCountLimit: JsonSchema = {
  type: 'object',
  required: ['timeUnit', 'unitTime', 'requestCount'],
  properties: {
    timeUnit: { enum: [...TIME_UNITS] },
    unitTime: { type: 'integer', minimum: 1 },
    requestCount: { type: 'integer', minimum: 1 },
  },
};
const bandwidthLimit: JsonSchema = {
  type: 'object',
  required: ['timeUnit', 'unitTime', 'dataAmount', 'dataUnit'],
  properties: {
    timeUnit: { enum: [...TIME_UNITS] },
    unitTime: { type: 'integer', minimum: 1 },
    dataAmount: { type: 'integer', minimum: 1 },
    dataUnit: { enum: ['KB', 'MB'] },
  },
};

export const policySchemas: Record<string, JsonSchema> = {
  ThrottleLimit: {
    type: 'object',
    required: ['type'],
    description:
      "WSO2's limit; type UNLIMITED (no quota) is this product's addition, used by the built-in Unlimited tiers",
    properties: {
      type: { enum: ['REQUESTCOUNTLIMIT', 'BANDWIDTHLIMIT', 'UNLIMITED'] },
      requestCount: requestCountLimit,
      bandwidth: bandwidthLimit,
    },
  },
  ThrottleCondition: {
    type: 'object',
    required: ['type'],
    properties: {
      type: { enum: ['HEADERCONDITION', 'IPCONDITION', 'JWTCLAIMSCONDITION', 'QUERYPARAMETERCONDITION'] },
      invertCondition: { type: 'boolean' },
      headerCondition: {
        type: 'object',
        required: ['headerName', 'headerValue'],
        properties: { headerName: { type: 'string', minLength: 1 }, headerValue: { type: 'string' } },
      },
      ipCondition: {
        type: 'object',
        required: ['ipConditionType'],
        properties: {
          ipConditionType: { enum: ['IPSPECIFIC', 'IPRANGE'] },
          specificIP: ipAddress,
          startingIP: ipAddress,
          endingIP: ipAddress,
        },
      },
      jwtClaimsCondition: {
        type: 'object',
        required: ['claimUrl', 'attribute'],
        properties: { claimUrl: { type: 'string', minLength: 1 }, attribute: { type: 'string' } },
      },
      queryParameterCondition: {
        type: 'object',
        required: ['parameterName', 'parameterValue'],
        properties: { parameterName: { type: 'string', minLength: 1 }, parameterValue: { type: 'string' } },
      },
    },
  },
  ThrottlePolicy: {
    type: 'object',
    required: ['policyName', 'defaultLimit'],
    properties: {
      policyId: { type: 'string', readOnly: true },
      policyName: { type: 'string', minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9_.-]+$' },
      displayName: { type: 'string' },
      description: { type: 'string', maxLength: 1024 },
      isDeployed: { type: 'boolean', readOnly: true },
      type: { type: 'string', readOnly: true },
      defaultLimit: ref('ThrottleLimit'),
      rateLimitCount: { type: ['integer', 'null'], minimum: 1 },
      rateLimitTimeUnit: { enum: ['sec', 'min', null] },
      stopOnQuotaReach: { type: 'boolean' },
      graphQLMaxDepth: {
        type: ['integer', 'null'],
        minimum: 1,
        description: 'subscription tiers: the deepest GraphQL query admitted (null: no limit)',
      },
      graphQLMaxComplexity: {
        type: ['integer', 'null'],
        minimum: 1,
        description: 'subscription tiers: the greatest GraphQL query complexity admitted (null: no limit)',
      },
      billingPlan: { enum: ['FREE', 'COMMERCIAL'] },
      customAttributes: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'value'],
          properties: { name: { type: 'string' }, value: { type: 'string' } },
        },
      },
      conditionalGroups: {
        type: 'array',
        items: {
          type: 'object',
          required: ['conditions', 'limit'],
          properties: {
            description: { type: 'string' },
            conditions: { type: 'array', items: ref('ThrottleCondition'), minItems: 1 },
            limit: ref('ThrottleLimit'),
          },
        },
      },
    },
  },
  ThrottlePolicyList: {
    type: 'object',
    properties: { count: { type: 'integer' }, list: { type: 'array', items: ref('ThrottlePolicy') } },
  },
};

export const denySchemas: Record<string, JsonSchema> = {
  BlockingCondition: {
    type: 'object',
    required: ['conditionType', 'conditionValue'],
    properties: {
      conditionId: { type: 'string', readOnly: true },
      conditionType: { enum: ['API', 'APPLICATION', 'USER', 'IP', 'IPRANGE'] },
      conditionValue: {
        description:
          'API context, "owner:applicationName", username, IP, or { startingIp, endingIp, invert } for IPRANGE',
        oneOf: [
          { type: 'string', minLength: 1, maxLength: 512 },
          {
            type: 'object',
            required: ['startingIp', 'endingIp'],
            properties: {
              startingIp: { type: 'string' },
              endingIp: { type: 'string' },
              invert: { type: 'boolean' },
            },
          },
        ],
      },
      conditionStatus: { type: 'boolean' },
    },
  },
};

export const environmentSchemas: Record<string, JsonSchema> = {
  Environment: {
    type: 'object',
    required: ['name', 'vhosts'],
    properties: {
      id: { type: 'string', readOnly: true },
      name: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_-]+$' },
      displayName: { type: 'string', maxLength: 255 },
      description: { type: 'string', maxLength: 1023 },
      type: { enum: ['hybrid', 'production', 'sandbox'] },
      isReadOnly: { type: 'boolean', readOnly: true },
      vhosts: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['host'],
          properties: {
            host: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9.-]+$' },
            httpContext: { type: 'string', maxLength: 255 },
            httpPort: { type: 'integer', minimum: 1, maximum: 65535 },
            httpsPort: { type: 'integer', minimum: 1, maximum: 65535 },
          },
        },
      },
    },
  },
};

const endpoint = { type: ['string', 'null'], format: 'uri', pattern: '^https?://' };

export const keyManagerSchemas: Record<string, JsonSchema> = {
  KeyManager: {
    type: 'object',
    required: ['name', 'audience'],
    properties: {
      id: { type: 'string', readOnly: true },
      name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' },
      displayName: { type: 'string', maxLength: 100 },
      type: {
        enum: [...KEY_MANAGER_TYPES],
        description: 'a generic OpenID provider ("custom") or a preset that sets its claims',
      },
      description: { type: 'string', maxLength: 256 },
      issuer: { type: 'string', format: 'uri' },
      wellKnownEndpoint: endpoint,
      certificates: {
        type: 'object',
        required: ['type', 'value'],
        properties: {
          type: { enum: ['JWKS'] },
          value: { type: 'string', format: 'uri', pattern: '^https?://' },
        },
      },
      introspectionEndpoint: endpoint,
      tokenEndpoint: endpoint,
      clientRegistrationEndpoint: endpoint,
      audience: {
        type: 'string',
        minLength: 1,
        description: 'the audience (aud) its access tokens must carry for the gateways',
      },
      algorithms: {
        type: 'array',
        items: { enum: [...KEY_MANAGER_ALGORITHMS] },
        default: KEY_MANAGER_DEFAULTS.algorithms,
      },
      consumerKeyClaim: {
        type: 'string',
        minLength: 1,
        description: 'claim naming the client (azp, cid, client_id)',
      },
      scopesClaim: { type: 'string', minLength: 1, description: 'claim holding the scopes (scope, scp)' },
      claimMapping: {
        type: 'array',
        items: {
          type: 'object',
          required: ['remoteClaim', 'localClaim'],
          properties: {
            remoteClaim: { type: 'string', minLength: 1 },
            localClaim: { type: 'string', minLength: 1 },
          },
        },
      },
      introspectionClientId: { type: ['string', 'null'], minLength: 1 },
      introspectionClientSecret: { type: 'string', minLength: 1, writeOnly: true },
      registrationToken: {
        type: 'string',
        minLength: 1,
        writeOnly: true,
        description: 'RFC 7591 initial access token for dynamic client registration',
      },
      registrationTokenSet: { type: 'boolean', readOnly: true },
      enabled: { type: 'boolean' },
    },
  },
};

/** WSO2's workflow type names, by ours. */
export const WSO2_WORKFLOW_TYPES = {
  APPLICATION_CREATION: 'AM_APPLICATION_CREATION',
  SUBSCRIPTION_CREATION: 'AM_SUBSCRIPTION_CREATION',
  SUBSCRIPTION_UPDATE: 'AM_SUBSCRIPTION_UPDATE',
} as const;

const workflowFlags: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    APPLICATION_CREATION: { type: 'boolean' },
    SUBSCRIPTION_CREATION: { type: 'boolean' },
    SUBSCRIPTION_UPDATE: { type: 'boolean' },
  },
};

export const workflowSchemas: Record<string, JsonSchema> = {
  WorkflowInfo: {
    type: 'object',
    properties: {
      workflowType: { enum: Object.values(WSO2_WORKFLOW_TYPES) },
      workflowStatus: { enum: ['CREATED', 'APPROVED', 'REJECTED'] },
      createdTime: { type: 'string' },
      updatedTime: { type: ['string', 'null'] },
      referenceId: { type: 'string' },
      externalWorkflowReference: { type: 'string' },
      properties: {},
      description: { type: ['string', 'null'] },
    },
  },
  Settings: {
    type: 'object',
    properties: {
      selfSignUp: {
        type: 'object',
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' }, roles: { type: 'array', items: { type: 'string' } } },
      },
      workflows: workflowFlags,
    },
  },
};

/** The audit trail: one entry per row changed by a user or by the product itself. */
export const auditSchemas: Record<string, JsonSchema> = {
  AuditLogEntry: {
    type: 'object',
    required: ['id', 'time', 'action', 'entityType', 'operation'],
    properties: {
      id: { type: 'string', description: 'increasing with time' },
      time: { type: 'string', format: 'date-time' },
      actorId: { type: ['string', 'null'], description: "the user's id; null for the product itself" },
      actor: {
        type: ['string', 'null'],
        description:
          "the user's name, or system:<part> for a change the product made by itself: system:key-manager " +
          '(sign-up, sign-in lockouts), system:control-plane (sign-in lockouts), system:workflow, system:seed; ' +
          'db:<user> for a change made directly in the database',
      },
      action: {
        type: 'string',
        description:
          "the REST operation that made the change (its operationId), the product's own (e.g. signUp), " +
          'else insert, update or delete',
      },
      entityType: {
        type: 'string',
        description: 'the table of the changed row, e.g. api, throttling_policy',
      },
      entityId: { type: ['string', 'null'] },
      operation: { enum: ['INSERT', 'UPDATE', 'DELETE'] },
      method: { type: ['string', 'null'] },
      path: { type: ['string', 'null'] },
      sourceIp: { type: ['string', 'null'], description: 'the caller, behind trusted proxies the client' },
      before: {
        type: ['object', 'null'],
        description:
          'the row before the change; for an UPDATE only the columns it changed (secrets as "[hidden]")',
      },
      after: {
        type: ['object', 'null'],
        description:
          'the row after the change; for an UPDATE only the columns it changed (secrets as "[hidden]")',
      },
    },
  },
  AuditLogList: listOf(ref('AuditLogEntry')),
};

/** Every admin schema, in the order the admin document lists them. */
export const adminSchemaSets: Record<string, JsonSchema> = {
  ...policySchemas,
  ...denySchemas,
  ...environmentSchemas,
  ...keyManagerSchemas,
  ...userSchemas,
  ...workflowSchemas,
  ...auditSchemas,
};

import type { RuleAccess } from '@apim/contracts';

const names = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

/** What the gateway reads of a `jwt` rule (the control plane validated the rest when it was saved). */
const jwtRule = {
  type: 'object',
  required: ['authentications'],
  properties: {
    authentications: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['issuer', 'jwksUri'],
        properties: {
          issuer: { type: 'string', minLength: 1 },
          jwksUri: { type: 'string', pattern: '^https?://' },
          fromHeaders: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              properties: { name: { type: 'string', minLength: 1 }, prefix: { type: 'string' } },
            },
          },
          fromParams: names,
        },
      },
    },
    authorizations: {
      type: 'array',
      items: { type: 'object', properties: { requiredScopes: names, audiences: names } },
    },
  },
} as const;

export const schema = {
  type: 'object',
  required: ['rules'],
  properties: {
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['operation', 'access'],
        properties: {
          operation: { type: 'string', minLength: 1 },
          access: {
            type: 'object',
            required: ['strategy'],
            properties: {
              strategy: { enum: ['noAuth', 'jwt', 'extAuth'] },
              jwt: jwtRule,
              authorizers: { ...names, minItems: 1 },
              restrictions: jwtRule,
            },
            allOf: [
              { if: { properties: { strategy: { const: 'jwt' } } }, then: { required: ['jwt'] } },
              { if: { properties: { strategy: { const: 'extAuth' } } }, then: { required: ['authorizers'] } },
            ],
          },
        },
      },
    },
  },
  additionalProperties: false,
} as const;

/** The access strategy of each operation with a rule, by `operationKey`, in the API's order. */
export interface RuleAccessConfig {
  rules: Array<{ operation: string; access: RuleAccess }>;
}

/** The key of an operation within its API: its verb and target. */
export const operationKey = (verb: string, target: string) => `${verb} ${target}`;

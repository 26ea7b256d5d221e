/** The graphql handler's config: what a GraphQL API's deployment gives it, checked at deploy. */
export interface FieldPolicy {
  /** any one of them admits a caller (none: every caller) */
  scopes: string[];
  /** an advanced policy counting calls of this field (WSO2's per-field operation tier) */
  throttlingPolicy: string | null;
}

export interface GraphqlConfig {
  apiId: string;
  /** the API's schema (SDL) */
  sdl: string;
  /** whether __schema and __type may be asked (an API setting: mediationPolicies.graphql.introspection) */
  introspection: boolean;
  /** the operations of the API by "VERB field" (QUERY viewer, MUTATION addStar...) */
  fields: Record<string, FieldPolicy>;
}

export const schema = {
  type: 'object',
  required: ['apiId', 'sdl', 'introspection', 'fields'],
  properties: {
    apiId: { type: 'string' },
    sdl: { type: 'string', minLength: 1 },
    introspection: { type: 'boolean' },
    fields: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['scopes', 'throttlingPolicy'],
        properties: {
          scopes: { type: 'array', items: { type: 'string' } },
          throttlingPolicy: { type: ['string', 'null'] },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

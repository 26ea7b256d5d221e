/** Scopes required per operation ("VERB template"); a token needs at least one of them. */
export const schema = {
  type: 'object',
  required: ['byOperation'],
  properties: {
    byOperation: {
      type: 'object',
      additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    },
  },
  additionalProperties: false,
} as const;

export interface ScopesConfig {
  byOperation: Record<string, string[]>;
}

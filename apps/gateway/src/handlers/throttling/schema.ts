export const schema = {
  type: 'object',
  required: ['apiId', 'apiPolicy', 'maxTps'],
  properties: {
    apiId: { type: 'string', minLength: 1 },
    apiPolicy: { type: ['string', 'null'] },
    maxTps: {
      type: ['object', 'null'],
      properties: {
        production: { type: 'integer', minimum: 1 },
        sandbox: { type: 'integer', minimum: 1 },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

export interface ThrottlingConfig {
  apiId: string;
  /** advanced policy for the whole API; per-resource policies apply only when it is null */
  apiPolicy: string | null;
  maxTps: { production?: number; sandbox?: number } | null;
}

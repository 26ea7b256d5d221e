export const schema = {
  type: 'object',
  required: ['apiId'],
  properties: { apiId: { type: 'string', minLength: 1 } },
  additionalProperties: false,
} as const;

export interface SubscriptionConfig {
  apiId: string;
}

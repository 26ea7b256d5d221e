export const schema = {
  type: 'object',
  required: ['apiContext', 'apiVersion'],
  properties: { apiContext: { type: 'string', minLength: 1 }, apiVersion: { type: 'string', minLength: 1 } },
  additionalProperties: false,
} as const;

export interface DenyPoliciesConfig {
  apiContext: string;
  apiVersion: string;
}

export const schema = {
  type: 'object',
  required: ['oauth2', 'apiKey', 'authorizationHeader', 'apiKeyHeader'],
  properties: {
    oauth2: { type: 'boolean' },
    apiKey: { type: 'boolean' },
    authorizationHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    apiKeyHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
  },
  additionalProperties: false,
} as const;

export interface AuthenticationConfig {
  oauth2: boolean;
  apiKey: boolean;
  /** lower-cased header names */
  authorizationHeader: string;
  apiKeyHeader: string;
}

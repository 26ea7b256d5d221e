export const schema = {
  type: 'object',
  required: ['oauth2', 'apiKey', 'basic', 'authorizationHeader', 'apiKeyHeader'],
  properties: {
    oauth2: { type: 'boolean' },
    apiKey: { type: 'boolean' },
    basic: { type: 'boolean' },
    authorizationHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    apiKeyHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
  },
  additionalProperties: false,
} as const;

export interface AuthenticationConfig {
  oauth2: boolean;
  apiKey: boolean;
  /** user name and password (`basic_auth`), checked at the key manager */
  basic: boolean;
  /** lower-cased header names */
  authorizationHeader: string;
  apiKeyHeader: string;
}

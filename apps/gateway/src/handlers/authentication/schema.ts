import type { GatewayClientCertificate } from '@apim/contracts';

const headerName = { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" } as const;
const strings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

export const schema = {
  type: 'object',
  required: [
    'oauth2',
    'apiKey',
    'basic',
    'applicationMandatory',
    'authorizationHeader',
    'apiKeyHeader',
    'mutualSsl',
    'basicScopes',
    'keyManagers',
  ],
  properties: {
    oauth2: { type: 'boolean' },
    apiKey: { type: 'boolean' },
    basic: { type: 'boolean' },
    applicationMandatory: { type: 'boolean' },
    authorizationHeader: headerName,
    apiKeyHeader: headerName,
    mutualSsl: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['mandatory', 'certificates'],
          properties: {
            mandatory: { type: 'boolean' },
            certificates: {
              type: 'array',
              items: {
                type: 'object',
                required: ['alias', 'fingerprint', 'tier', 'notBefore', 'notAfter'],
                properties: {
                  alias: { type: 'string', minLength: 1 },
                  fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                  tier: { type: 'string', minLength: 1 },
                  notBefore: { type: 'string', minLength: 1 },
                  notAfter: { type: 'string', minLength: 1 },
                },
              },
            },
          },
          additionalProperties: false,
        },
      ],
    },
    basicScopes: { type: 'object', additionalProperties: strings },
    keyManagers: { oneOf: [{ type: 'null' }, { ...strings, minItems: 1 }] },
  },
  additionalProperties: false,
} as const;

export interface AuthenticationConfig {
  /** application-level schemes */
  oauth2: boolean;
  apiKey: boolean;
  /** user name and password (`basic_auth`), checked at the key manager */
  basic: boolean;
  /** an application-level credential is needed even when a client certificate passed */
  applicationMandatory: boolean;
  /** lower-cased header names */
  authorizationHeader: string;
  apiKeyHeader: string;
  /** transport-level: the API's client certificates (`mutualssl`), null when it has none */
  mutualSsl: {
    /** without an admitted certificate the request is refused (otherwise the other schemes decide) */
    mandatory: boolean;
    certificates: GatewayClientCertificate[];
  } | null;
  /** scope -> the roles it is bound to (none: any user), for the scopes Basic callers may hold */
  basicScopes: Record<string, string[]>;
  /** names of the key managers whose tokens the API accepts (WSO2's keyManagers); null: all */
  keyManagers: string[] | null;
}

/**
 * The defaults of REST fields: what the control plane stores when a field is absent, what gateways
 * assume for revisions taken before the field existed, and what the console shows for a new API.
 * Declared here once; the schemas carry them as `default`, and code reads these constants.
 */

/** WSO2's keyManagers value for "tokens of every key manager". */
export const ALL_KEY_MANAGERS = 'all';

/** An API's fields when a client leaves them out. */
export const API_DEFAULTS = {
  /** seconds a cached answer is served (response caching) */
  cacheTimeout: 300,
  responseCachingEnabled: false,
  enableSchemaValidation: false,
  /** the header carrying OAuth2 tokens and Basic credentials (gateways compare it case-insensitively) */
  authorizationHeader: 'Authorization',
  /** the header carrying API keys */
  apiKeyHeader: 'apikey',
  keyManagers: [ALL_KEY_MANAGERS],
  /** subscription tiers (also when the list is empty) */
  policies: ['Unlimited'],
  /** security schemes (also when the list is empty) */
  securityScheme: ['oauth2', 'oauth_basic_auth_api_key_mandatory'],
  visibility: 'PUBLIC',
  endpointConfig: { endpoint_type: 'http' },
} as const;

/** The signature algorithms a key manager's tokens may use. */
export const KEY_MANAGER_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'ES256',
  'ES384',
  'EdDSA',
] as const;

/** A key manager's fields when the admin leaves them out. */
export const KEY_MANAGER_DEFAULTS = {
  /** signature algorithms accepted (also when the list is empty) */
  algorithms: ['RS256', 'ES256'],
} as const satisfies { algorithms: readonly (typeof KEY_MANAGER_ALGORITHMS)[number][] };

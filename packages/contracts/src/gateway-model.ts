/**
 * What a gateway knows about each entity: the shapes of the snapshot it loads at start and of the
 * payloads in the gateway event log. The control plane writes them; gateways read them.
 */
export type LifecycleStatus = 'CREATED' | 'PROTOTYPED' | 'PUBLISHED' | 'BLOCKED' | 'DEPRECATED' | 'RETIRED';
export type KeyType = 'PRODUCTION' | 'SANDBOX';
export type SubscriptionStatus = 'UNBLOCKED' | 'ON_HOLD' | 'BLOCKED' | 'PROD_ONLY_BLOCKED' | 'REJECTED';
export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
/** WSO2's API types: REST (HTTP), WebSocket, Server-Sent Events, WebSub and GraphQL */
export type ApiType = 'HTTP' | 'WS' | 'SSE' | 'WEBSUB' | 'GRAPHQL';
/** the verb of an async API's channel: SUBSCRIBE (the client receives), PUBLISH (the client sends) */
export type AsyncVerb = 'SUBSCRIBE' | 'PUBLISH';
/** a GraphQL root operation type: an operation of a GraphQL API is one field of it */
export type GraphQLVerb = 'QUERY' | 'MUTATION' | 'SUBSCRIPTION';
/** an operation's verb: an HTTP method for HTTP APIs */
export type OperationVerb = HttpVerb | AsyncVerb | GraphQLVerb;

export interface EndpointUrl {
  url: string;
}

/** WSO2's endpointConfig: http (single), load_balance or failover groups. */
export interface EndpointConfig {
  endpoint_type: 'http' | 'load_balance' | 'failover';
  production_endpoints?: EndpointUrl | EndpointUrl[];
  sandbox_endpoints?: EndpointUrl | EndpointUrl[];
  production_failovers?: EndpointUrl[];
  sandbox_failovers?: EndpointUrl[];
  endpointTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** consecutive failures before suspension */
  suspendAfterFailures?: number;
  suspendDurationMs?: number;
}

export interface CorsConfig {
  corsConfigurationEnabled: boolean;
  accessControlAllowOrigins: string[];
  accessControlAllowCredentials: boolean;
  accessControlAllowHeaders: string[];
  accessControlAllowMethods: string[];
  accessControlExposeHeaders?: string[];
  /** origins matched as Kyma's corsPolicy matches them, besides accessControlAllowOrigins */
  accessControlAllowOriginMatchers?: Array<{ exact?: string; prefix?: string; regex?: string }>;
  /** Access-Control-Max-Age of preflight answers, seconds */
  accessControlMaxAge?: number;
  /** CORS off and the backend's Access-Control-* headers removed (an APIRule without corsPolicy) */
  removeBackendCorsHeaders?: boolean;
}

export interface GatewayOperation {
  verb: OperationVerb;
  /** URI template (HTTP), channel (WS, SSE, WebSub: a topic) or root field name (GraphQL) */
  target: string;
  authEnabled: boolean;
  scopes: string[];
  throttlingPolicy: string | null;
  operationPolicies: unknown;
  /** Kyma-style policy of its own; absent or null: the API's security, subscriptions and backend */
  rule?: OperationRule | null;
}

/** Where a rule looks for its token: a header (its value after `prefix`, e.g. "Bearer ") or a query parameter. */
export interface JwtAuthentication {
  issuer: string;
  jwksUri: string;
  /** none given: the Authorization header with the "Bearer " prefix */
  fromHeaders?: Array<{ name: string; prefix?: string }>;
  fromParams?: string[];
}

/** One way to be authorized: every listed scope (from `scp`, `scope` or `scopes`) and every listed audience. */
export interface JwtAuthorization {
  requiredScopes?: string[];
  audiences?: string[];
}

/** Kyma's `jwt` access strategy: a token from one of the issuers, satisfying any one authorization (none: any valid token). */
export interface JwtRule {
  authentications: JwtAuthentication[];
  authorizations?: JwtAuthorization[];
}

/** Exactly one access strategy per rule, as Kyma's APIRule v2 has it. */
export type RuleAccess =
  | { strategy: 'noAuth' }
  | { strategy: 'jwt'; jwt: JwtRule }
  /** external authorizers by name (Envoy ext_authz, HTTP mode), and optionally a token as `jwt` checks it */
  | { strategy: 'extAuth'; authorizers: string[]; restrictions?: JwtRule };

/**
 * The policy of one rule (Kyma's APIRule rule), compiled by gateways at deploy time. It replaces the
 * API's security, subscription validation and application throttling for its operation: callers of
 * a rule are not applications.
 */
export interface OperationRule {
  access: RuleAccess;
  /** the backend of this rule instead of the API's endpoints */
  service?: { url: string };
  /** backend timeout of this rule instead of the API's */
  timeoutMs?: number;
  /** set on the request before it is forwarded */
  request?: { headers?: Record<string, string>; cookies?: Record<string, string> };
}

/**
 * An external authorization service that rules name in their `extAuth` strategy: Envoy's ext_authz in
 * HTTP mode. The request is allowed only when it answers 2xx; its denial is returned to the caller.
 */
export interface GatewayAuthorizer {
  name: string;
  /** the request's path is appended to it, as Envoy's path_prefix */
  url: string;
  /** request headers sent to the authorizer besides Authorization (Envoy's allowed_headers) */
  headersToSend: string[];
  /** authorizer answer headers copied onto the forwarded request (Envoy's allowed_upstream_headers) */
  headersToPassBack: string[];
  timeoutMs: number;
  /** authorizer unreachable or timing out: deny (403) when true, allow when false */
  failClosed: boolean;
}

/**
 * A client certificate of an API secured with mutual TLS (WSO2 `mutualssl`), as gateways match it:
 * no PEM, only what matching and throttling need.
 */
export interface GatewayClientCertificate {
  alias: string;
  /** SHA-256 of the DER certificate: lower-case hex, as certificateFingerprint() gives it */
  fingerprint: string;
  /** subscription tier that throttles callers presenting this certificate (as WSO2 does) */
  tier: string;
  /** the endpoints its callers reach (absent from revisions taken before it was kept: PRODUCTION) */
  keyType?: KeyType;
  /** its holder's user name in analytics: the subject's common name (absent from older revisions) */
  userName?: string;
  /** ISO 8601 validity bounds */
  notBefore: string;
  notAfter: string;
}

/** Node's colon-separated upper-case fingerprint256 as the lower-case hex both sides compare. */
export function certificateFingerprint(fingerprint256: string): string {
  return fingerprint256.replaceAll(':', '').toLowerCase();
}

/** A scope that resources of the API require, with the roles bound to it (none: any user). */
export interface GatewayScope {
  name: string;
  roles: string[];
}

/** An API revision as stored in ApiRevision.snapshot: immutable once taken. */
export interface ApiSnapshot {
  id: string;
  name: string;
  /** absent from revisions taken before API types: HTTP */
  type?: ApiType;
  /** a GraphQL API's schema (SDL) */
  graphqlSchema?: string | null;
  context: string;
  version: string;
  providerName: string;
  endpointConfig: EndpointConfig;
  securitySchemes: string[];
  authorizationHeader: string | null;
  apiKeyHeader: string | null;
  corsConfig: CorsConfig | null;
  subscriptionPolicies: string[];
  apiThrottlingPolicy: string | null;
  maxTps: { production?: number; sandbox?: number } | null;
  enableSchemaValidation: boolean;
  /** WSO2's response caching: successful GET answers kept for cacheTimeout seconds (absent from older revisions: off) */
  responseCachingEnabled?: boolean;
  cacheTimeout?: number;
  mediationPolicies: unknown;
  definition: unknown;
  operations: GatewayOperation[];
  /** the certificates `mutualssl` admits (absent from revisions taken before they were kept) */
  clientCertificates?: GatewayClientCertificate[];
  /** the scopes the operations require, with their role bindings, for Basic-auth callers (absent from revisions taken before they were kept) */
  scopes?: GatewayScope[];
  /** key managers whose tokens the API accepts: ["all"] or their names (absent from older revisions: all) */
  keyManagers?: string[];
  /**
   * Kyma exposure: the API answers on these hosts only, at the root path (no context or version), and
   * its operations match in their order, the earlier first. Absent or empty: routed by context.
   */
  hosts?: string[];
}

/** A deployed API as a gateway holds it. Lifecycle and default version are live, not per revision. */
export interface GatewayApi extends ApiSnapshot {
  revisionId: string;
  environment: string;
  vhost: string;
  lifecycleStatus: LifecycleStatus;
  isDefaultVersion: boolean;
}

export interface GatewayApplication {
  id: string;
  name: string;
  ownerId: string;
  ownerName: string;
  throttlingPolicy: string;
  tokenType: 'JWT' | 'OPAQUE';
  status: 'CREATED' | 'APPROVED' | 'REJECTED';
}

/** The name of the key manager built into the product, as WSO2 names it. */
export const RESIDENT_KEY_MANAGER = 'Resident Key Manager';

/**
 * A consumer key of an application at one key manager. Gateways find the application of a token by
 * its key manager (the issuer that signed or introspected it) and consumer key together: consumer
 * keys are not secret, and two providers may use the same one.
 */
export interface GatewayKeyMapping {
  consumerKey: string;
  applicationId: string;
  keyType: KeyType;
  /** RESIDENT_KEY_MANAGER or the name of a trusted issuer (absent from events before keys had one: resident) */
  keyManager?: string;
}

/** Whether a token's `aud` claim (a string or a list, RFC 7519 §4.1.3) names `audience`. */
export function namesAudience(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}

/** The key under which gateways hold a key mapping. */
export function keyMappingKey(keyManager: string | undefined, consumerKey: string): string {
  return `${keyManager ?? RESIDENT_KEY_MANAGER}\n${consumerKey}`;
}

export interface GatewaySubscription {
  id: string;
  applicationId: string;
  apiId: string;
  throttlingPolicy: string;
  status: SubscriptionStatus;
}

export interface GatewayLimit {
  quotaType: 'REQUESTCOUNT' | 'BANDWIDTH' | 'UNLIMITED';
  requestCount: number | null;
  dataAmount: number | null;
  dataUnit: string | null;
  unitTime: number;
  timeUnit: 'sec' | 'min' | 'hour' | 'day';
}

export interface GatewayCondition {
  type:
    'IPCONDITION' | 'IPRANGECONDITION' | 'HEADERCONDITION' | 'QUERYPARAMETERCONDITION' | 'JWTCLAIMSCONDITION';
  invertCondition: boolean;
  /** IPCONDITION: specificIp; IPRANGECONDITION: startingIp, endingIp; others: name (header, parameter, claim) and value (a regular expression for claims, exact otherwise) */
  specificIp?: string;
  startingIp?: string;
  endingIp?: string;
  name?: string;
  value?: string;
}

export interface GatewayPolicy extends GatewayLimit {
  id: string;
  type: 'SUBSCRIPTION' | 'APPLICATION' | 'ADVANCED';
  name: string;
  rateLimitCount: number | null;
  rateLimitTimeUnit: 'sec' | 'min' | null;
  stopOnQuotaReach: boolean;
  /** subscription tiers: the deepest GraphQL query and the greatest complexity admitted (absent or null: no limit) */
  graphqlMaxDepth?: number | null;
  graphqlMaxComplexity?: number | null;
  conditionalGroups: Array<GatewayLimit & { id: string; conditions: GatewayCondition[] }>;
}

export interface GatewayDenyPolicy {
  id: string;
  conditionType: 'API' | 'APPLICATION' | 'USER' | 'IP' | 'IPRANGE';
  conditionValue: unknown;
  enabled: boolean;
}

/** WSO2's key manager types: any OpenID provider, or a preset of one. */
export const KEY_MANAGER_TYPES = ['custom', 'Keycloak', 'Okta', 'Auth0', 'EntraID'] as const;
export type KeyManagerType = (typeof KEY_MANAGER_TYPES)[number];

/**
 * The claims each type's access tokens name the client and the scopes in, as their documentation
 * gives them: Keycloak and Auth0 `azp` + `scope`, Okta `cid` + `scp`, Entra ID v2 `azp` + `scp`.
 */
export const KEY_MANAGER_PRESETS: Record<KeyManagerType, { consumerKeyClaim: string; scopesClaim: string }> =
  {
    custom: { consumerKeyClaim: 'azp', scopesClaim: 'scope' },
    Keycloak: { consumerKeyClaim: 'azp', scopesClaim: 'scope' },
    Okta: { consumerKeyClaim: 'cid', scopesClaim: 'scp' },
    Auth0: { consumerKeyClaim: 'azp', scopesClaim: 'scope' },
    EntraID: { consumerKeyClaim: 'azp', scopesClaim: 'scp' },
  };

/** The purpose (see derivedKey in @apim/service) under which key managers' secrets are sealed. */
export const KEY_MANAGER_SECRETS_PURPOSE = 'key-manager-secrets';

/** An external key manager (OpenID provider) whose tokens gateways accept on the APIs that allow it. */
export interface GatewayIssuer {
  id: string;
  name: string;
  type?: KeyManagerType;
  issuer: string;
  jwksUrl: string | null;
  /** the audience its access tokens must carry; an issuer without one is not trusted */
  audience: string | null;
  algorithms: string[];
  /** claim naming the OAuth client (consumer key) and claim holding the scopes */
  consumerKeyClaim?: string;
  scopesClaim?: string;
  /** remote claim -> local claim, applied to the claims the backend JWT carries */
  claimMappings: Record<string, string>;
  /** RFC 7662 introspection for its opaque tokens; the secret is sealed with the internal secret */
  introspection?: { endpoint: string; clientId: string; sealedSecret: string } | null;
  enabled: boolean;
}

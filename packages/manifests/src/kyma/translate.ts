/**
 * An APIRule v2 (valid: ./rules.ts found nothing) as the API that serves it: on its hosts at the
 * root path, one operation per rule and method in rule order, each with the rule's own access
 * strategy, backend, timeout and request mutations; kept off the developer portal (CREATED).
 */
import { HTTP_VERBS, type Publisher } from '@apim/rest-contract';
import type { ApiSpec, ManifestOptions } from '../types.js';
import {
  DEFAULT_TIMEOUT_SECONDS,
  namespaceOf,
  serviceNamespace,
  type ApiRuleV2,
  type KymaJwtConfig,
  type KymaRule,
} from './apirule.js';
import { environmentOf, resolveHost, serviceUrl, type KymaService } from './exposure.js';

/** The limits of the API resource's fields that the APIRule's names fill. */
const API_NAME_MAX = 60;
const CONTEXT_MAX = 232;
/** The endpoint timeout's limit (ms); a rule's own timeout may go to Kyma's 3900 s. */
const ENDPOINT_TIMEOUT_MAX_MS = 600_000;

/** FNV-1a, 8 hex digits: a short, stable tail that keeps a truncated name unique. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function fitted(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 9)}-${shortHash(text)}`;
}

/** The API made from an APIRule: its name (`<namespace>-<name>`) and version (`v2`). */
export function apiIdentityOf(apiRule: ApiRuleV2): { name: string; version: string } {
  return { name: fitted(`${namespaceOf(apiRule)}-${apiRule.metadata.name}`, API_NAME_MAX), version: 'v2' };
}

type Jwt = NonNullable<Extract<Publisher.OperationRule['access'], { strategy: 'jwt' }>['jwt']>;

function jwtRuleOf(jwt: KymaJwtConfig): Jwt {
  return {
    authentications: jwt.authentications ?? [],
    ...(jwt.authorizations && { authorizations: jwt.authorizations }),
  };
}

function accessOf(rule: KymaRule): Publisher.OperationRule['access'] {
  if (rule.jwt) return { strategy: 'jwt', jwt: jwtRuleOf(rule.jwt) };
  if (rule.extAuth)
    return {
      strategy: 'extAuth',
      authorizers: rule.extAuth.authorizers,
      ...(rule.extAuth.restrictions && { restrictions: jwtRuleOf(rule.extAuth.restrictions) }),
    };
  return { strategy: 'noAuth' };
}

function corsOf(cors: ApiRuleV2['spec']['corsPolicy']): Publisher.APICorsConfiguration {
  if (!cors)
    return {
      corsConfigurationEnabled: false,
      accessControlAllowOrigins: [],
      accessControlAllowCredentials: false,
      accessControlAllowHeaders: [],
      accessControlAllowMethods: [],
      removeBackendCorsHeaders: true,
    };
  return {
    corsConfigurationEnabled: true,
    accessControlAllowOrigins: [],
    // one matcher per key: Kyma turns each key of an allowOrigins entry into its own StringMatch
    accessControlAllowOriginMatchers: (cors.allowOrigins ?? []).flatMap((entry) =>
      Object.entries(entry).map(([how, value]) => ({ [how]: value })),
    ),
    accessControlAllowCredentials: cors.allowCredentials ?? false,
    accessControlAllowHeaders: cors.allowHeaders ?? [],
    accessControlAllowMethods: cors.allowMethods ?? [],
    accessControlExposeHeaders: cors.exposeHeaders ?? [],
    ...(cors.maxAge !== undefined && { accessControlMaxAge: cors.maxAge }),
    // Kyma's VirtualService removes the upstream's CORS headers with a corsPolicy too: the
    // policy alone answers (a backend's `*` must not reach an origin the policy refuses)
    removeBackendCorsHeaders: true,
  };
}

export function translateApiRule(apiRule: ApiRuleV2, options: ManifestOptions): ApiSpec {
  const { spec } = apiRule;
  const namespace = namespaceOf(apiRule);
  const urlOf = (service: KymaService) => serviceUrl(service, serviceNamespace(apiRule, service), options);
  const hosts = spec.hosts.map((host) => {
    const resolved = resolveHost(host, options);
    if (!resolved.ok) throw new Error(resolved.message); // rules.ts refused it already
    return resolved.value;
  });
  const environment = environmentOf(spec.gateway, options);
  if (!environment.ok) throw new Error(environment.message);
  const timeout = spec.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  // every rule has a backend (its own or spec.service): the API's endpoint is the first one
  const endpoint = spec.service ?? spec.rules.find((r) => r.service)?.service;
  const operations: Publisher.APIOperations[] = spec.rules.flatMap((rule) =>
    (rule.methods ?? HTTP_VERBS).map((verb) => ({
      target: rule.path,
      verb: verb as Publisher.APIOperations['verb'],
      authType: 'None' as const,
      rule: {
        access: accessOf(rule),
        ...(rule.service && { service: { url: urlOf(rule.service) } }),
        timeoutMs: (rule.timeout ?? timeout) * 1000,
        ...(rule.request && { request: rule.request }),
      },
    })),
  );
  return {
    name: apiIdentityOf(apiRule).name,
    version: 'v2',
    context: fitted(`/apirule/${namespace}/${apiRule.metadata.name}`, CONTEXT_MAX),
    description: `Exposed by the Kyma APIRule ${namespace}/${apiRule.metadata.name}`,
    hosts,
    endpointConfig: {
      endpoint_type: 'http',
      ...(endpoint && { production_endpoints: { url: urlOf(endpoint) } }),
      endpointTimeoutMs: Math.min(timeout * 1000, ENDPOINT_TIMEOUT_MAX_MS),
    },
    corsConfiguration: corsOf(spec.corsPolicy),
    securityScheme: ['oauth2'],
    policies: ['Unlimited'],
    operations,
    lifecycleStatus: 'CREATED',
    deployments: [{ environment: environment.value, vhost: hosts[0] ?? '' }],
  };
}

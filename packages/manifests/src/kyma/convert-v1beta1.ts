/**
 * An APIRule v1beta1 converted to v2 as Kyma's conversion webhook converts it
 * (api-gateway apis/gateway/v1beta1/apirule_conversion.go, jwt_conversion.go,
 * gatewaytranslator): host -> hosts, the gateway's old `name.namespace.svc.cluster.local` form
 * -> `namespace/name`, corsPolicy.maxAge (a Go duration) -> whole seconds, `no_auth` -> noAuth,
 * `jwt` (Istio or Ory configuration) -> jwt, header and cookie mutators -> request. Where Kyma
 * gives up (it leaves the rules empty, which v2 then refuses), this says which rule and why.
 */
import type { PointedMessage } from '../messages.js';
import { KYMA_PATH, APIRULE_V2 } from '../schemas/kyma.js';
import { DEFAULT_NAMESPACE, type KymaJwtConfig, type KymaRule } from './apirule.js';

interface Handler {
  handler: string;
  config?: Record<string, unknown>;
}
interface RuleV1beta1 extends Omit<KymaRule, 'noAuth' | 'jwt' | 'extAuth' | 'request'> {
  accessStrategies: Handler[];
  mutators?: Handler[];
}
interface ApiRuleV1beta1 {
  metadata: { name: string; namespace?: string };
  spec: {
    host: string;
    gateway?: string;
    corsPolicy?: Record<string, unknown>;
    rules: RuleV1beta1[];
  } & Record<string, unknown>;
}

const NEW_GATEWAY = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/;
const OLD_GATEWAY = /^[0-9a-z-_]+(\/[0-9a-z-_]+|(\.[0-9a-z-_]+)*)$/;

/** gatewaytranslator: `kyma-gateway.kyma-system.svc.cluster.local` -> `kyma-system/kyma-gateway`; undefined when unreadable. */
function gatewayOf(gateway: string | undefined, namespace: string): string | undefined {
  if (gateway === undefined || NEW_GATEWAY.test(gateway)) return gateway;
  if (!OLD_GATEWAY.test(gateway)) return undefined;
  const parts = gateway.replace(/\.svc(\.cluster(\.local)?)?$/, '').split('.');
  const translated =
    parts.length === 1 ? `${namespace}/${parts[0]}` : parts.length === 2 ? `${parts[1]}/${parts[0]}` : '';
  return NEW_GATEWAY.test(translated) ? translated : undefined;
}

const DURATION_UNITS: Record<string, number> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 1e-3,
  us: 1e-6,
  µs: 1e-6,
  ns: 1e-9,
};

/** A Go duration (`300s`, `1h30m`, `1.5m`) in whole seconds, as Kyma drops the fraction. */
export function goDurationSeconds(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g))
    seconds += Number(amount) * (DURATION_UNITS[unit ?? 's'] ?? 0);
  return Math.floor(seconds);
}

/** A jwt strategy's config as v2's jwt: Istio's form as it is, Ory's single trusted issuer mapped. */
function jwtOf(config: Record<string, unknown> | undefined): KymaJwtConfig | undefined {
  if (!config) return undefined;
  if (config.authentications || config.authorizations) return config as KymaJwtConfig;
  const issuers = config.trusted_issuers as string[] | undefined;
  const jwks = config.jwks_urls as string[] | undefined;
  if (issuers?.length !== 1 || jwks?.length !== 1) return undefined;
  const requiredScopes = config.required_scope as string[] | undefined;
  const audiences = config.target_audience as string[] | undefined;
  const authorization = { ...(requiredScopes && { requiredScopes }), ...(audiences && { audiences }) };
  return {
    authentications: [{ issuer: issuers[0] ?? '', jwksUri: jwks[0] ?? '' }],
    ...(Object.keys(authorization).length && { authorizations: [authorization] }),
  };
}

function ruleOf(rule: RuleV1beta1, at: string, problems: PointedMessage[]): KymaRule {
  const { accessStrategies, mutators, ...common } = rule;
  const out: KymaRule = { ...common };
  if (!new RegExp(KYMA_PATH).test(rule.path))
    problems.push({
      pointer: `${at}/path`,
      message: `path ${rule.path} is a v1beta1 regular expression Kyma does not convert: write it as a v2 path (/.* is /*, /foo/.* is /foo/{**})`,
    });
  accessStrategies.forEach((strategy, i) => {
    if (strategy.handler === 'no_auth') out.noAuth = true;
    else if (strategy.handler === 'jwt') {
      const jwt = jwtOf(strategy.config);
      if (jwt) out.jwt = jwt;
      else
        problems.push({
          pointer: `${at}/accessStrategies/${i}/config`,
          message:
            'a jwt strategy converts only with authentications, or exactly one trusted_issuers and one jwks_urls entry',
        });
    } else
      problems.push({
        pointer: `${at}/accessStrategies/${i}/handler`,
        message: `${strategy.handler} has no v2 equivalent Kyma converts (only no_auth and jwt): write this rule in v2 (allow and noop as noAuth: true, oauth2_introspection as extAuth)`,
      });
  });
  if (mutators) out.request = {};
  mutators?.forEach((mutator, i) => {
    if (mutator.handler === 'header')
      out.request = { ...out.request, headers: mutator.config?.headers as Record<string, string> };
    else if (mutator.handler === 'cookie')
      out.request = { ...out.request, cookies: mutator.config?.cookies as Record<string, string> };
    else
      problems.push({
        pointer: `${at}/mutators/${i}/handler`,
        message: `mutator ${mutator.handler} has no v2 equivalent: only header and cookie mutators convert`,
      });
  });
  return out;
}

/** The v2 form of a v1beta1 APIRule that passed its schema, and where it cannot be converted. */
export function convertV1beta1(document: Record<string, unknown>): {
  apiRule: Record<string, unknown>;
  problems: PointedMessage[];
} {
  const v1 = document as unknown as ApiRuleV1beta1;
  const problems: PointedMessage[] = [];
  const { host, gateway, corsPolicy, rules, ...common } = v1.spec;
  const spec: Record<string, unknown> = { ...common, hosts: [host] };
  const gatewayV2 = gatewayOf(gateway, v1.metadata.namespace ?? DEFAULT_NAMESPACE);
  if (gatewayV2) spec.gateway = gatewayV2;
  if (corsPolicy) {
    const { maxAge, ...rest } = corsPolicy;
    spec.corsPolicy = rest;
    if (maxAge !== undefined) {
      const seconds = goDurationSeconds(String(maxAge));
      if (seconds === undefined)
        problems.push({
          pointer: '/spec/corsPolicy/maxAge',
          message: 'maxAge must be a duration such as 300s, 5m or 1h',
        });
      else if (seconds >= 1) spec.corsPolicy = { ...rest, maxAge: seconds };
    }
  }
  spec.rules = rules.map((rule, i) => ruleOf(rule, `/spec/rules/${i}`, problems));
  return { apiRule: { ...document, apiVersion: APIRULE_V2, spec }, problems };
}

/** Where a problem found in the converted v2 form is in the v1beta1 document. */
export function v1beta1Pointer(pointer: string): string {
  return pointer
    .replace(/^\/spec\/hosts(\/\d+)?/, '/spec/host')
    .replace(/^(\/spec\/rules\/\d+)\/(noAuth|jwt|extAuth)(\/.*)?$/, '$1/accessStrategies')
    .replace(/^(\/spec\/rules\/\d+)\/request(\/.*)?$/, '$1/mutators');
}

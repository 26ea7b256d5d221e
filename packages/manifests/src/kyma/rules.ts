/**
 * Kyma's validation of an APIRule v2 beyond its schema (api-gateway internal/validation/v2alpha1:
 * rules.go, jwt.go, hosts.go, gateway.go), with this product's own limits: the hosts it can serve,
 * the services it may not expose, the gateways it knows, the methods and header names its gateway
 * takes.
 */
import { HTTP_VERBS } from '@apim/rest-contract';
import type { PointedMessage } from '../messages.js';
import type { ManifestOptions } from '../types.js';
import { serviceNamespace, type ApiRuleV2, type KymaRule } from './apirule.js';
import { environmentOf, isBlocked, resolveHost, type KymaService } from './exposure.js';
import { HEADER_NAME, jwtProblems } from './jwt-rules.js';
import { PathTrie } from './path-conflicts.js';

function ruleProblems(
  apiRule: ApiRuleV2,
  rule: KymaRule,
  at: string,
  options: ManifestOptions,
): PointedMessage[] {
  const out: PointedMessage[] = [];
  const strategies = [rule.noAuth === true, rule.jwt !== undefined, rule.extAuth !== undefined].filter(
    Boolean,
  );
  if (strategies.length !== 1)
    out.push({
      pointer: at,
      message: 'a rule needs exactly one access strategy: noAuth: true, jwt or extAuth',
    });
  if (rule.jwt) out.push(...jwtProblems(`${at}/jwt`, rule.jwt));
  else if (rule.extAuth?.restrictions)
    out.push(...jwtProblems(`${at}/extAuth/restrictions`, rule.extAuth.restrictions));
  if (!rule.service && !apiRule.spec.service)
    out.push({
      pointer: `${at}/service`,
      message: 'the rule must name a service, because spec.service is not set',
    });
  if (rule.service) out.push(...serviceProblems(apiRule, rule.service, `${at}/service`, options));
  const operators = rule.path.split('/').filter((s) => s === '{*}' || s === '{**}');
  if (operators.filter((s) => s === '{**}').length > 1)
    out.push({ pointer: `${at}/path`, message: 'only one {**} operator is allowed in a path' });
  else if (operators.includes('{**}') && operators[operators.length - 1] !== '{**}')
    out.push({ pointer: `${at}/path`, message: 'the {**} operator must be the last operator in the path' });
  (rule.methods ?? []).forEach((method, i) => {
    if (!(HTTP_VERBS as readonly string[]).includes(method))
      out.push({
        pointer: `${at}/methods/${i}`,
        message: `${method} is not served by the gateway (it serves ${HTTP_VERBS.join(', ')})`,
      });
  });
  for (const name of Object.keys(rule.request?.headers ?? {}))
    if (!HEADER_NAME.test(name))
      out.push({ pointer: `${at}/request/headers`, message: `${name} is not a valid header name` });
  return out;
}

function serviceProblems(
  apiRule: ApiRuleV2,
  service: KymaService,
  at: string,
  options: ManifestOptions,
): PointedMessage[] {
  const namespace = serviceNamespace(apiRule, service);
  return isBlocked(service, namespace, options)
    ? [
        {
          pointer: `${at}/name`,
          message: `service ${service.name} in namespace ${namespace} may not be exposed (blocked)`,
        },
      ]
    : [];
}

/** Kyma's check that no rule is shadowed by an earlier rule of the same method. */
function conflictProblems(rules: KymaRule[]): PointedMessage[] {
  const tries = new Map<string, PathTrie>();
  for (const [i, rule] of rules.entries()) {
    for (const method of rule.methods ?? ['any method']) {
      const trie = tries.get(method) ?? new PathTrie();
      tries.set(method, trie);
      if (!trie.add(rule.path))
        return [
          {
            pointer: `/spec/rules/${i}/path`,
            message: `path ${rule.path} with ${method} is already matched by an earlier rule: put the more specific rule first`,
          },
        ];
    }
  }
  return [];
}

/** Each issuer configured once: the same issuer and key set must read their tokens the same way. */
function jwtEqualityProblems(rules: KymaRule[]): PointedMessage[] {
  const seen = new Map<string, string>();
  const out: PointedMessage[] = [];
  rules.forEach((rule, i) =>
    rule.jwt?.authentications?.forEach((a, j) => {
      const key = `${a.issuer} ${a.jwksUri}`;
      const how = JSON.stringify([a.fromHeaders ?? [], a.fromParams ?? []]);
      const earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, how);
      else if (earlier !== how)
        out.push({
          pointer: `/spec/rules/${i}/jwt/authentications/${j}`,
          message: `issuer ${a.issuer} is configured differently in an earlier rule: use the same fromHeaders and fromParams`,
        });
    }),
  );
  return out;
}

/** Every problem Kyma (and this gateway) would find in an APIRule v2 that passed its schema. */
export function apiRuleProblems(apiRule: ApiRuleV2, options: ManifestOptions): PointedMessage[] {
  const { spec } = apiRule;
  const out: PointedMessage[] = [];
  spec.hosts.forEach((host, i) => {
    const resolved = resolveHost(host, options);
    if (!resolved.ok) out.push({ pointer: `/spec/hosts/${i}`, message: resolved.message });
  });
  const environment = environmentOf(spec.gateway, options);
  if (!environment.ok) out.push({ pointer: '/spec/gateway', message: environment.message });
  if (spec.service) out.push(...serviceProblems(apiRule, spec.service, '/spec/service', options));
  spec.corsPolicy?.allowOrigins?.forEach((match, i) => {
    if (match.regex === undefined) return;
    try {
      new RegExp(match.regex);
    } catch (error) {
      out.push({
        pointer: `/spec/corsPolicy/allowOrigins/${i}/regex`,
        message: `regex is not a valid regular expression: ${(error as Error).message}`,
      });
    }
  });
  spec.rules.forEach((rule, i) => out.push(...ruleProblems(apiRule, rule, `/spec/rules/${i}`, options)));
  out.push(...conflictProblems(spec.rules), ...jwtEqualityProblems(spec.rules));
  return out;
}

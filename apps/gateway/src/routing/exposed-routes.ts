import type { GatewayApi, GatewayOperation } from '@apim/contracts';
import type { ResourceRoute, RouteMatch } from './router.js';
import { compileRulePath, matchRulePath, type RulePath } from './rule-path.js';

/** One operation of a hosts-routed API: its compiled path and the route a match hands on. */
interface RuleRoute<A> {
  path: RulePath;
  operation: GatewayOperation;
  route: ResourceRoute<A>;
  /** the methods of its Kyma rule (the operations in a row on one path), one bit each */
  ruleMethods: number;
  /** the first operation of its Kyma rule */
  startsRule: boolean;
}

interface ExposedApi<A> {
  id: string;
  /** in the API's operation order: the earlier rule wins */
  rules: RuleRoute<A>[];
}

const NOT_FOUND = { kind: 'not-found' } as const;

const answers = (verb: string, method: string) => verb === method || (method === 'HEAD' && verb === 'GET');

const bits = new Map<string, number>();
const bitOf = (verb: string) => {
  let bit = bits.get(verb);
  if (bit === undefined) bits.set(verb, (bit = 1 << bits.size));
  return bit;
};

/** Each operation's rule methods: a Kyma rule became one operation per method, in a row on its path. */
function ruleMethodsOf(operations: readonly GatewayOperation[]): number[] {
  const masks: number[] = [];
  for (let start = 0; start < operations.length;) {
    let end = start;
    let mask = 0;
    while (end < operations.length && operations[end]!.target === operations[start]!.target)
      mask |= bitOf(operations[end++]!.verb);
    for (let i = start; i < end; i++) masks.push(mask);
    start = end;
  }
  return masks;
}

/**
 * The APIs exposed Kyma-style: served on their hosts only, at the root path, their operations
 * tried in order (Kyma: "earlier rules win"). A host holds few rules, as an Istio VirtualService
 * does, so an ordered list compiled at deploy is scanned; several APIs on one host are tried one
 * after another, each in its own order (the control plane refuses two rules with the same host and
 * path, so which API comes first does not change the answer).
 */
export class ExposedRoutes<A extends { api: GatewayApi }> {
  private readonly byHost = new Map<string, ExposedApi<A>[]>();
  private readonly hostsOf = new Map<string, string[]>();

  /** Installs an API with `hosts`; throws DeploymentError (installing nothing) on a path Kyma refuses. */
  deploy(id: string, compiled: A): void {
    const masks = ruleMethodsOf(compiled.api.operations);
    const rules = compiled.api.operations.map((operation, i): RuleRoute<A> => {
      const path = compileRulePath(operation.target);
      const route: ResourceRoute<A> = {
        api: compiled,
        template: operation.target,
        operations: new Map([[operation.verb, operation]]),
        paramNames: [...path.paramNames],
        prefixLength: 0,
      };
      const startsRule = i === 0 || compiled.api.operations[i - 1]!.target !== operation.target;
      return { path, operation, route, ruleMethods: masks[i]!, startsRule };
    });
    const exposed: ExposedApi<A> = { id, rules };
    const hosts = [...new Set((compiled.api.hosts ?? []).map((h) => h.toLowerCase()))];
    for (const host of hosts) this.byHost.set(host, [...(this.byHost.get(host) ?? []), exposed]);
    this.hostsOf.set(id, hosts);
  }

  remove(id: string): void {
    for (const host of this.hostsOf.get(id) ?? []) {
      const left = (this.byHost.get(host) ?? []).filter((e) => e.id !== id);
      if (left.length > 0) this.byHost.set(host, left);
      else this.byHost.delete(host);
    }
    this.hostsOf.delete(id);
  }

  /** how many hosts have an exposed API: none, and the router skips this lookup */
  get hosts(): number {
    return this.byHost.size;
  }

  /**
   * The first rule of the host's APIs whose path and method match; 405 when some path matched but
   * no method did (the Allow header lists theirs); 404 when none did; null when the host has none.
   * As Kyma has it, a rule sharing a method with an earlier rule of its API does not serve that
   * earlier rule's paths at all: POST-only jwt on /a/{*}/one before GET+POST noAuth on /a/{**}
   * leaves GET /a/x/one unserved, never open.
   */
  match(host: string, method: string, segments: readonly string[]): RouteMatch<A> | null {
    const apis = this.byHost.get(host);
    if (!apis) return null;
    const values: string[] = [];
    let pathOnly: RuleRoute<A>[] | null = null;
    for (const { rules } of apis) {
      /** methods of the earlier rules whose path matched: later rules sharing one are excluded */
      let excluded = 0;
      let matchedRule = 0;
      for (const rule of rules) {
        if (rule.startsRule) {
          excluded |= matchedRule;
          matchedRule = 0;
        }
        values.length = 0;
        if ((rule.ruleMethods & excluded) !== 0 || !matchRulePath(rule.path, segments, values)) continue;
        if (answers(rule.operation.verb, method)) {
          const params: Record<string, string> = {};
          for (let i = 0; i < values.length; i++) params[rule.route.paramNames[i]!] = values[i]!;
          return { kind: 'found', route: rule.route, operation: rule.operation, params };
        }
        (pathOnly ??= []).push(rule);
        matchedRule = rule.ruleMethods;
      }
    }
    return pathOnly ? { kind: 'method-not-allowed', route: allowing(pathOnly) } : NOT_FOUND;
  }
}

/** The route a 405 names: the first matching rule's, with every method the matching paths take. */
function allowing<A>(rules: RuleRoute<A>[]): ResourceRoute<A> {
  const operations = new Map<string, GatewayOperation>();
  for (const { operation } of rules)
    if (!operations.has(operation.verb)) operations.set(operation.verb, operation);
  return { ...rules[0]!.route, operations };
}

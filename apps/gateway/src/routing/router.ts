import type { GatewayApi, GatewayOperation } from '@apim/contracts';
import { ExposedRoutes } from './exposed-routes.js';
import { websubHubEndpoint } from '../websub/hub-endpoint.js';
import { graphqlEndpoint } from './graphql-endpoint.js';
import { SegmentTrie, parsePattern, type PatternSegment } from './segment-trie.js';

/** One URI template of one API with its operations by verb. */
export interface ResourceRoute<A> {
  api: A;
  template: string;
  operations: Map<string, GatewayOperation>;
  paramNames: string[];
  /** segments of context (and version) before the resource part */
  prefixLength: number;
}

export type RouteMatch<A> =
  | {
      kind: 'found';
      route: ResourceRoute<A>;
      operation: GatewayOperation;
      params: Record<string, string>;
    }
  | { kind: 'method-not-allowed'; route: ResourceRoute<A> }
  | { kind: 'not-found' };

interface Installed<A> {
  trie: SegmentTrie<ResourceRoute<A>>;
  pattern: PatternSegment[];
  route: ResourceRoute<A>;
}

function contextPattern(api: GatewayApi, withVersion: boolean): PatternSegment[] {
  const hasVersionParam = api.context.includes('{version}');
  const context = withVersion
    ? api.context.replace('{version}', api.version)
    : api.context.replace('/{version}', '').replace('{version}', '');
  const segs = parsePattern(context);
  return withVersion && !hasVersionParam ? [...segs, { kind: 'static', text: api.version }] : segs;
}

/**
 * Host + context + version + URI template + verb -> API operation. Routes are compiled when an API is
 * deployed; APIs on the environment's first vhost (or none) answer on any Host, others only on theirs.
 * APIs with `hosts` (Kyma exposure) answer on those hosts at the root path, their operations in order
 * (ExposedRoutes); such a host is theirs, as an Istio VirtualService's: no context route answers on it.
 */
export class Router<A extends { api: GatewayApi }> {
  private readonly anyHost = new SegmentTrie<ResourceRoute<A>>();
  private readonly byHost = new Map<string, SegmentTrie<ResourceRoute<A>>>();
  private readonly exposed = new ExposedRoutes<A>();
  /** context routes of each API (none for an exposed one, which is listed all the same) */
  private readonly installed = new Map<string, Installed<A>[]>();
  defaultVhosts = new Set<string>(['', 'localhost']);

  /** Installs (or replaces) an API's routes; throws DeploymentError when an exposed API's path is invalid. */
  deploy(id: string, compiled: A): void {
    this.remove(id);
    const api = compiled.api;
    if (api.hosts?.length) {
      this.exposed.deploy(id, compiled);
      this.installed.set(id, []);
      return;
    }
    const host = api.vhost.toLowerCase();
    let trie = this.anyHost;
    if (!this.defaultVhosts.has(host)) {
      trie = this.byHost.get(host) ?? new SegmentTrie();
      this.byHost.set(host, trie);
    }
    const byTemplate = new Map<string, GatewayOperation[]>();
    const operations =
      api.type === 'GRAPHQL'
        ? graphqlEndpoint(api)
        : api.type === 'WEBSUB'
          ? websubHubEndpoint(api)
          : api.operations;
    for (const op of operations) byTemplate.set(op.target, [...(byTemplate.get(op.target) ?? []), op]);
    const list: Installed<A>[] = [];
    const prefixes = [contextPattern(api, true)];
    if (api.isDefaultVersion) prefixes.push(contextPattern(api, false));
    for (const prefix of prefixes) {
      for (const [template, ops] of byTemplate) {
        const resource = parsePattern(template);
        const pattern = [...prefix, ...resource];
        const route: ResourceRoute<A> = {
          api: compiled,
          template,
          operations: new Map(ops.map((o) => [o.verb, o])),
          paramNames: pattern.flatMap((s) => (s.kind === 'param' ? [s.name] : [])),
          prefixLength: prefix.length,
        };
        trie.insert(pattern, route);
        list.push({ trie, pattern, route });
      }
    }
    this.installed.set(id, list);
  }

  remove(id: string): void {
    this.exposed.remove(id);
    for (const { trie, pattern, route } of this.installed.get(id) ?? []) trie.remove(pattern, route);
    this.installed.delete(id);
  }

  get size(): number {
    return this.installed.size;
  }

  match(host: string, method: string, segments: readonly string[]): RouteMatch<A> {
    // context-routed traffic pays one size check while no API is exposed, one Map lookup otherwise
    const exposed = this.exposed.hosts > 0 ? this.exposed.match(host, method, segments) : null;
    if (exposed) return exposed;
    const trie = this.byHost.size > 0 ? this.byHost.get(host) : undefined;
    const m = (trie && trie.match(segments)) ?? this.anyHost.match(segments);
    if (!m) return { kind: 'not-found' };
    const route = m.value;
    const operation =
      route.operations.get(method) ?? (method === 'HEAD' ? route.operations.get('GET') : undefined);
    if (!operation) return { kind: 'method-not-allowed', route };
    const params: Record<string, string> = {};
    for (let i = 0; i < m.params.length; i++) params[route.paramNames[i]!] = m.params[i]!;
    return { kind: 'found', route, operation, params };
  }
}

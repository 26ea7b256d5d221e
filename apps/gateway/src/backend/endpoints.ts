import { Pool } from 'undici';
import type { EndpointConfig, EndpointUrl, GatewayOperation, KeyType } from '@apim/contracts';
import { ruleTargets } from './rule-targets.js';

/** Longest suspension, however often an endpoint keeps failing. */
const MAX_SUSPENSION_MS = 5 * 60_000;

/** One keep-alive connection pool per backend origin, shared by every API that calls it. */
export class BackendPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: { connections: number; connectTimeoutMs: number }) {}

  get(origin: string, connectTimeoutMs?: number): Pool {
    const key = `${origin}|${connectTimeoutMs ?? ''}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        keepAliveTimeout: 30_000,
        connect: { timeout: connectTimeoutMs ?? this.options.connectTimeoutMs },
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
    this.pools.clear();
  }
}

/** An endpoint's URL as HTTP(S): a ws(s):// endpoint's handshake is an HTTP(S) request to that origin. */
const httpUrl = (url: string) => new URL(url.replace(/^ws/i, 'http'));

/** A backend URL with its failure record (suspension after repeated failures, with back-off). */
export class Endpoint {
  readonly origin: string;
  /** host[:port], the Host header the backend gets */
  readonly host: string;
  /** path prefix of the endpoint URL, without a trailing slash */
  readonly basePath: string;
  private failures = 0;
  private suspensions = 0;
  private suspendedUntil = 0;

  constructor(
    url: string,
    readonly pool: Pool,
    private readonly suspendAfter: number | undefined,
    private readonly suspendMs: number,
  ) {
    const u = httpUrl(url);
    this.origin = u.origin;
    this.host = u.host;
    this.basePath = u.pathname.replace(/\/+$/, '');
  }

  available(now: number): boolean {
    return this.suspendedUntil <= now;
  }

  succeeded(): void {
    this.failures = 0;
    this.suspensions = 0;
  }

  failed(now: number): void {
    if (this.suspendAfter === undefined) return;
    this.failures++;
    if (this.failures >= this.suspendAfter) {
      this.suspendedUntil = now + Math.min(this.suspendMs * 2 ** this.suspensions, MAX_SUSPENSION_MS);
      this.suspensions++;
      this.failures = 0;
    }
  }
}

/** The endpoints of one key type, in the order to try them for one request. */
export class EndpointGroup {
  private next = 0;
  /** primary then failovers, built once: the common case returns it without allocating */
  private readonly ordered: Endpoint[];

  constructor(
    private readonly kind: EndpointConfig['endpoint_type'],
    private readonly primary: Endpoint[],
    private readonly failovers: Endpoint[],
  ) {
    this.ordered = [...primary, ...failovers];
  }

  /** Available endpoints, best first: round robin for load_balance, primary then failovers otherwise. */
  candidates(now: number): Endpoint[] {
    if (this.kind === 'load_balance' && this.primary.length > 1) {
      const start = this.next++ % this.primary.length;
      const rotated = [...this.primary.slice(start), ...this.primary.slice(0, start)];
      return rotated.filter((e) => e.available(now));
    }
    return this.ordered.every((e) => e.available(now))
      ? this.ordered
      : this.ordered.filter((e) => e.available(now));
  }
}

export interface BackendTarget {
  groups: Record<KeyType, EndpointGroup | null>;
  timeoutMs: number;
  /** the targets of operations whose rule sets their own service or timeout; null when none does */
  byOperation: ReadonlyMap<GatewayOperation, BackendTarget> | null;
}

const list = (v: EndpointUrl | EndpointUrl[] | undefined): EndpointUrl[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/**
 * The compiled backend of one API (endpointConfig must have passed endpointConfigSchema), with the
 * backend of each operation whose rule names a service (for any key type: callers of a rule are not
 * applications) or a timeout. Endpoints are built once per URL and share the node's pools, so a
 * rule's service is suspended after failures as an API endpoint is.
 */
export function compileBackend(
  config: EndpointConfig,
  pools: BackendPools,
  defaultTimeoutMs: number,
  operations: readonly GatewayOperation[] = [],
): BackendTarget {
  const suspendMs = config.suspendDurationMs ?? 30_000;
  const endpoint = (url: string) =>
    new Endpoint(
      url,
      pools.get(httpUrl(url).origin, config.connectTimeoutMs),
      config.suspendAfterFailures,
      suspendMs,
    );
  const group = (main: EndpointUrl | EndpointUrl[] | undefined, failovers: EndpointUrl[] | undefined) => {
    const primary = list(main).map((e) => endpoint(e.url));
    if (primary.length === 0) return null;
    return new EndpointGroup(
      config.endpoint_type,
      primary,
      config.endpoint_type === 'failover' ? list(failovers).map((e) => endpoint(e.url)) : [],
    );
  };
  const api = {
    groups: {
      PRODUCTION: group(config.production_endpoints, config.production_failovers),
      SANDBOX: group(config.sandbox_endpoints, config.sandbox_failovers),
    },
    timeoutMs: config.endpointTimeoutMs ?? defaultTimeoutMs,
  };
  const service = (url: string) => new EndpointGroup('http', [endpoint(url)], []);
  return { ...api, byOperation: ruleTargets(api, operations, service) };
}

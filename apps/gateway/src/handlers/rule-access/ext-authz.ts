import { Pool } from 'undici';
import type { GatewayAuthorizer } from '@apim/contracts';
import type { Logger, OutboundUrlPolicy } from '@apim/service';
import { errorResponse } from '../../pipeline/respond.js';
import type { Outcome, RequestContext } from '../../pipeline/types.js';
import type { GatewayState } from '../../store/state.js';

/** Headers of a denial that reach the caller with its status and body (Envoy's defaults, and redirects). */
const DENIAL_HEADERS = ['content-type', 'www-authenticate', 'location'];
/** A denial's body beyond this is cut: it is an error page, not a payload. */
const MAX_DENIAL_BYTES = 64 * 1024;

/** An authorizer as it is called: its origin, its path prefix, or why it may not be called. */
interface Target {
  origin: string;
  prefix: string;
  refused: string | null;
}

const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);

/**
 * Envoy's ext_authz in HTTP mode: the request's method and path (with its query, after the
 * authorizer URL's path), no body, its Authorization and the authorizer's headersToSend, plus
 * X-Forwarded-For and its Host as X-Forwarded-Host. A 2xx answer allows the request and its
 * headersToPassBack go to the backend; any other answer is the caller's, as the authorizer gave it.
 * Unreachable or slower than its timeout: 403 (failClosed) or allowed. One connection pool per
 * authorizer origin for the node's life, connecting through the outbound URL policy.
 */
export class ExternalAuthorizers {
  private readonly pools = new Map<string, Pool>();
  /** per authorizer view: an upsert brings a new object, so a changed URL is parsed again */
  private readonly targets = new WeakMap<GatewayAuthorizer, Target>();

  constructor(
    private readonly state: GatewayState,
    private readonly policy: OutboundUrlPolicy,
    private readonly logger: Logger,
  ) {}

  /** Asks each authorizer in turn; the first that does not allow answers the request. */
  async authorize(names: readonly string[], ctx: RequestContext): Promise<Outcome> {
    for (const name of names) {
      const authorizer = this.state.authorizers.get(name);
      if (!authorizer)
        return errorResponse('AUTHORIZER_UNAVAILABLE', `The external authorizer "${name}" is not configured`);
      const denied = await this.ask(authorizer, ctx);
      if (denied) return denied;
    }
    return undefined;
  }

  private async ask(a: GatewayAuthorizer, ctx: RequestContext): Promise<Outcome> {
    const target = this.targetOf(a);
    if (target.refused)
      return errorResponse(
        'AUTHORIZER_UNAVAILABLE',
        `The external authorizer "${a.name}": ${target.refused}`,
      );
    const req = ctx.req;
    const headers: Record<string, string> = {};
    for (const h of ['authorization', ...a.headersToSend]) {
      const v = headerValue(req.headers[h.toLowerCase()]);
      if (v !== undefined) headers[h.toLowerCase()] = v;
    }
    const forwarded = headerValue(req.headers['x-forwarded-for']);
    const peer = req.socket.remoteAddress ?? ctx.clientIp;
    headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${peer}` : peer;
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    try {
      const res = await this.poolOf(target.origin).request({
        path: target.prefix + (req.url ?? '/'),
        method: ctx.method as 'GET',
        headers,
        signal: AbortSignal.timeout(a.timeoutMs),
      });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        await res.body.dump();
        for (const h of a.headersToPassBack) {
          const v = headerValue(res.headers[h.toLowerCase()]);
          if (v !== undefined) ctx.backendHeaders[h.toLowerCase()] = v;
        }
        return undefined;
      }
      const passed: Record<string, string> = {};
      for (const h of DENIAL_HEADERS) {
        const v = headerValue(res.headers[h]);
        if (v !== undefined) passed[h] = v;
      }
      return { status: res.statusCode, headers: passed, body: await denialBody(res.body) };
    } catch (e) {
      this.logger.warn(
        { authorizer: a.name, err: (e as Error).message, failClosed: a.failClosed },
        'external authorizer did not answer',
      );
      return a.failClosed
        ? errorResponse(
            'AUTHORIZER_UNAVAILABLE',
            `The external authorizer "${a.name}" did not answer in time`,
          )
        : undefined;
    }
  }

  private targetOf(a: GatewayAuthorizer): Target {
    let t = this.targets.get(a);
    if (!t) {
      const url = new URL(a.url);
      t = {
        origin: url.origin,
        prefix: url.pathname.replace(/\/+$/, ''),
        refused: this.policy.hostRefusal(url),
      };
      this.targets.set(a, t);
    }
    return t;
  }

  private poolOf(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connect: { lookup: this.policy.lookup } });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}

/** The denial's body, up to MAX_DENIAL_BYTES (leaving the loop early destroys the rest). */
async function denialBody(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    if ((size += chunk.length) >= MAX_DENIAL_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_DENIAL_BYTES);
}

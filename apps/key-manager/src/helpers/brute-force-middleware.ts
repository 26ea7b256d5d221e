import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { TrustedProxies } from '@apim/service';
import type { BruteForceGuard } from './brute-force-guard.js';
import { callerAddress } from './caller-address.js';
import { Routes } from '../provider/routes.js';

const GUARDED = new Set<string>([Routes.token, Routes.introspection, Routes.revocation]);

const TOO_MANY = 'too many failed attempts, retry later';

/** Refusal while a client or address is blocked (429, with Retry-After set by the caller). */
export class TooManyAttempts extends errors.OIDCProviderError {
  constructor(readonly retryAfter: number) {
    super(429, 'too_many_requests');
    Object.assign(this, { error_description: TOO_MANY });
  }
}

function basicClientId(header: string | undefined): string | undefined {
  const m = /^Basic (.+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, i));
  } catch {
    return undefined;
  }
}

/** Requests whose Basic-authenticated client this middleware has checked already. */
const checkedClient = new WeakMap<object, string>();

/**
 * Whether the client of this request was checked here (so provider/configuration.ts need not ask
 * Redis again).
 */
export function clientChecked(ctx: object | undefined, clientId: string): boolean {
  return ctx !== undefined && checkedClient.get(ctx) === clientId;
}

/**
 * A browser may read Retry-After (the console tells how long to wait) on every answer it may
 * read at all. oidc-provider's CORS middleware (clientBasedCORS) decides the latter and exposes
 * only its own headers.
 */
function exposeRetryAfter(ctx: KoaContextWithOIDC): void {
  if (!ctx.response.get('Access-Control-Allow-Origin')) return;
  const exposed = ctx.response.get('Access-Control-Expose-Headers');
  const list = exposed ? exposed.split(',').map((h) => h.trim()) : [];
  if (list.some((h) => h.toLowerCase() === 'retry-after')) return;
  ctx.set('Access-Control-Expose-Headers', [...list, 'Retry-After'].join(', '));
}

/**
 * Callers that keep failing client authentication at the token, introspection and revocation
 * endpoints are refused for a while, known client or not (so the answer does not tell which ids
 * exist); see brute-force-guard.ts for the counters. A client id in the Basic header is checked here
 * with the address, in one Redis round trip; one in the body where the secret is compared
 * (provider/configuration.ts), or, for a public client, not at all (it has no secret to guess).
 */
export function bruteForceMiddleware(guard: BruteForceGuard, proxies: TrustedProxies) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    if (ctx.method !== 'POST' || !GUARDED.has(ctx.path)) return next();
    const address = callerAddress(proxies, ctx.req);
    const basicId = basicClientId(ctx.get('authorization'));
    const wait = await guard.retryAfter(guard.clientCounters(address, basicId));
    if (basicId) checkedClient.set(ctx, basicId);
    if (wait > 0) {
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
      ctx.set('Cache-Control', 'no-store');
      // Answered before oidc-provider's route (and its CORS middleware) runs. It answers every
      // error found before the client is known with Access-Control-Allow-Origin: <Origin>, and
      // so does this one: a browser app (the console) must be able to read the lock-out.
      const origin = ctx.get('Origin');
      if (origin) {
        ctx.vary('Origin');
        ctx.set('Access-Control-Allow-Origin', origin);
      }
      ctx.body = { error: 'too_many_requests', error_description: TOO_MANY };
      exposeRetryAfter(ctx);
      return;
    }
    try {
      await next();
    } finally {
      exposeRetryAfter(ctx);
    }
    const body = ctx.body as { error?: string } | undefined;
    if (ctx.status === 401 && body?.error === 'invalid_client') {
      const params = ctx.oidc?.params as { client_id?: unknown } | undefined;
      const clientId = typeof params?.client_id === 'string' ? params.client_id : basicId;
      await guard.recordFailure(guard.clientCounters(address, clientId));
    }
  };
}

import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { BruteForceGuard } from './brute-force.js';
import { Routes } from './routes.js';

const GUARDED = new Set<string>([Routes.token, Routes.introspection, Routes.revocation]);

/** Refusal while a client or address is blocked (429, with Retry-After set by the caller). */
export class TooManyAttempts extends errors.OIDCProviderError {
  constructor(readonly retryAfter: number) {
    super(429, 'too_many_requests');
    Object.assign(this, { error_description: 'too many failed attempts, retry later' });
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

/** Whether the client of this request was checked here (so provider.ts need not ask Redis again). */
export function clientChecked(ctx: object | undefined, clientId: string): boolean {
  return ctx !== undefined && checkedClient.get(ctx) === clientId;
}

/**
 * Source addresses and clients that keep failing client authentication at the token,
 * introspection and revocation endpoints are refused for a while, known client or not (so the
 * answer does not tell which ids exist). A client id in the Basic header is checked here with
 * the address, in one Redis round trip; one in the body where the secret is compared (provider.ts).
 */
export function bruteForceMiddleware(guard: BruteForceGuard) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    if (ctx.method !== 'POST' || !GUARDED.has(ctx.path)) return next();
    const basicId = basicClientId(ctx.get('authorization'));
    const wait = await guard.retryAfter(`ip:${ctx.ip}`, ...(basicId ? [`client:${basicId}`] : []));
    if (basicId) checkedClient.set(ctx, basicId);
    if (wait > 0) {
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { error: 'too_many_requests', error_description: 'too many failed attempts, retry later' };
      return;
    }
    await next();
    const body = ctx.body as { error?: string } | undefined;
    if (ctx.status === 401 && body?.error === 'invalid_client') {
      const params = ctx.oidc?.params as { client_id?: unknown } | undefined;
      const clientId = typeof params?.client_id === 'string' ? params.client_id : basicId;
      await guard.recordFailure(`ip:${ctx.ip}`, ...(clientId ? [`client:${clientId}`] : []));
    }
  };
}

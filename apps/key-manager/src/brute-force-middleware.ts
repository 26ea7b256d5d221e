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

/**
 * Source addresses that keep failing client authentication at the token, introspection and
 * revocation endpoints are refused for a while; the per-client count is checked where the
 * secret is compared (provider.ts), since the client id may be in the body.
 */
export function bruteForceMiddleware(guard: BruteForceGuard) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    if (ctx.method !== 'POST' || !GUARDED.has(ctx.path)) return next();
    const wait = await guard.retryAfter(`ip:${ctx.ip}`);
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
      const clientId =
        typeof params?.client_id === 'string' ? params.client_id : basicClientId(ctx.get('authorization'));
      await guard.recordFailure(`ip:${ctx.ip}`, ...(clientId ? [`client:${clientId}`] : []));
    }
  };
}

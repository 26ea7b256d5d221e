/**
 * HTTPS behind TLS termination: a request is HTTPS when its own connection is TLS, or when a
 * trusted proxy (APIM_TRUST_PROXY) says, in X-Forwarded-Proto, that the client reached it over
 * HTTPS. Such responses carry Strict-Transport-Security (APIM_HSTS_MAX_AGE) so browsers keep to
 * HTTPS; an HTTP response never does (RFC 6797 8.1: browsers ignore it there anyway).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { envReader } from './config.js';
import type { TrustedProxies } from './trusted-proxy.js';

/** One year, the value the HSTS preload list asks for. */
const DEFAULT_HSTS_MAX_AGE = 31_536_000;

/** APIM_HSTS_MAX_AGE: seconds browsers keep to HTTPS after an HTTPS response; 0 sends no header. */
export function readHstsMaxAge(env: Record<string, string | undefined>): number {
  return envReader(env).int('APIM_HSTS_MAX_AGE', DEFAULT_HSTS_MAX_AGE, 0, 2 ** 31 - 1);
}

/** The scheme the client used: the connection's, or the one a trusted proxy forwarded. */
export function requestProtocol(req: IncomingMessage, proxies: TrustedProxies): 'http' | 'https' {
  if ((req.socket as TLSSocket).encrypted) return 'https';
  if (!proxies.trusts(req.socket.remoteAddress)) return 'http';
  const forwarded = req.headers['x-forwarded-proto'];
  // the first value is the scheme at the proxy the client reached (as express and koa read it)
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' ? 'https' : 'http';
}

/** Sets Strict-Transport-Security on a response to an HTTPS request (none when maxAge is 0). */
export function strictTransportSecurity(
  proxies: TrustedProxies,
  maxAge: number,
): (req: IncomingMessage, res: ServerResponse) => void {
  // no includeSubDomains: other hosts under the same domain may still serve plain HTTP
  const value = `max-age=${maxAge}`;
  return (req, res) => {
    if (maxAge > 0 && requestProtocol(req, proxies) === 'https')
      res.setHeader('strict-transport-security', value);
  };
}

/**
 * The caller's address as the key manager counts it: the socket peer, or behind trusted proxies
 * (APIM_TRUST_PROXY) the hop they appended (see @apim/service trusted-proxy.ts). Never Koa's
 * ctx.ip: with proxy on, that is the leftmost X-Forwarded-For, which the caller writes itself.
 */
import type { IncomingMessage } from 'node:http';
import type { TrustedProxies } from '@apim/service';

const FORWARDING = ['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];

/** Worked out once per request: the brute-force checks ask several times. */
const memo = new WeakMap<IncomingMessage, string>();

export function callerAddress(proxies: TrustedProxies, req: IncomingMessage): string {
  let address = memo.get(req);
  if (address === undefined) {
    address = proxies.clientAddress(req.socket.remoteAddress, req.headers);
    memo.set(req, address);
  }
  return address;
}

/**
 * Removes forwarding headers a trusted proxy did not send, before Koa and oidc-provider read
 * them: with proxy on (some proxy is trusted) Koa takes the scheme and host from
 * X-Forwarded-Proto/Host, and oidc-provider builds its URLs and secure cookies from those.
 */
export function dropUntrustedForwarding(proxies: TrustedProxies, req: IncomingMessage): void {
  if (proxies.trusts(req.socket.remoteAddress)) return;
  for (const h of FORWARDING) delete req.headers[h];
}

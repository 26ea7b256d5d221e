import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TrustedProxies } from '@apim/service';

/** The address of whoever opened the connection, IPv4-mapped IPv6 shown as IPv4. */
export function peerAddress(socket: Socket): string {
  const ip = socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * How the gateway finds a request's client: the connection's peer, unless that peer is one of the
 * proxies APIM_TRUST_PROXY lists, whose forwarded header then names it (read from the right, so a
 * caller's own X-Forwarded-For entries are never believed). Everything that judges the caller by
 * address (deny policies, IP throttling conditions, API-key IP restrictions, analytics) sees this.
 * Without trusted proxies no header is read at all: the hot path stays one property read.
 */
export function clientAddressOf(proxies: TrustedProxies): (req: IncomingMessage) => string {
  if (!proxies.enabled) return (req) => peerAddress(req.socket);
  return (req) => proxies.clientAddress(req.socket.remoteAddress, req.headers);
}

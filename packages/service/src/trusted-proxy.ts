/**
 * The address of the caller behind trusted proxies (APIM_TRUST_PROXY). Only the hops a trusted
 * proxy appended are believed: the forwarded chain is walked from the right (the end the nearest
 * proxy writes) while the hop is a trusted proxy, and the first address that is not one is the
 * caller. Anything further left was written by the caller and may be invented.
 *
 * Parse the setting once at start-up (readTrustedProxies in config.ts), then per request:
 *   const ip = config.trustedProxies.clientAddress(req.socket.remoteAddress, req.headers);
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from 'proxy-addr';
import { ConfigError } from './config.js';

/** Which header the trusted proxies append to: they must append to it, or a caller could write it. */
export const FORWARDED_HEADERS = ['x-forwarded-for', 'forwarded'] as const;
export type ForwardedHeader = (typeof FORWARDED_HEADERS)[number];

export interface TrustedProxies {
  /** false when no proxy is trusted (the socket peer is always the caller) */
  readonly enabled: boolean;
  /** the header read when the socket peer is a trusted proxy */
  readonly header: ForwardedHeader;
  /** whether this address (e.g. the socket peer) is a trusted proxy */
  trusts(address: string | undefined): boolean;
  /**
   * The caller's address: the socket peer when it is not a trusted proxy, else the first hop
   * from the right of the forwarded header that is not a trusted proxy (the leftmost when all
   * are). A hop that is not an IP address (`unknown`, an obfuscated `_name`, garbage) ends the
   * walk at the trusted proxy that wrote it. IPv4-mapped IPv6 addresses come back as IPv4.
   */
  clientAddress(remoteAddress: string | undefined, headers: IncomingHttpHeaders): string;
}

const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `::ffff:1.2.3.4` -> `1.2.3.4` (a dual-stack socket shows IPv4 peers that way); others unchanged. */
export function normaliseAddress(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m ? m[1]! : address;
}

/** An address from a header: `1.2.3.4`, `1.2.3.4:80`, `[::1]`, `[::1]:80` or `::1`; undefined if none. */
function hopAddress(raw: string): string | undefined {
  let s = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(s)) s = s.slice(0, s.indexOf(':'));
  return isIP(s) ? normaliseAddress(s) : undefined;
}

/** Splits on `sep` outside quoted strings (RFC 7239 values may be quoted and hold commas). */
function splitOutsideQuotes(value: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  const v = value.trim();
  return v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** The hops of the header, left (furthest) to right (nearest); '' for a hop without an address. */
function forwardedHops(headers: IncomingHttpHeaders, header: ForwardedHeader): string[] {
  const value = headerValue(headers, header);
  if (!value.trim()) return [];
  if (header === 'x-forwarded-for') return value.split(',').map((h) => h.trim());
  return splitOutsideQuotes(value, ',').map((element) => {
    for (const pair of splitOutsideQuotes(element, ';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === 'for') return unquote(pair.slice(eq + 1));
    }
    return '';
  });
}

/**
 * Parses the list of trusted proxies: IPs, CIDRs (`10.0.0.0/8`, `fd00::/8`, `10.0.0.0/255.0.0.0`)
 * and proxy-addr's keywords `loopback`, `linklocal`, `uniquelocal`, separated by commas. Empty
 * or `false` trusts none. `true` (trust whatever sent the request) is refused: any caller could
 * then choose its own address, and with it escape every per-address limit.
 */
export function parseTrustedProxies(
  setting: string | undefined,
  header: ForwardedHeader = 'x-forwarded-for',
  variable = 'APIM_TRUST_PROXY',
): TrustedProxies {
  const value = (setting ?? '').trim();
  const entries = /^(false|no|off|0)?$/i.test(value)
    ? []
    : value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
  if (entries.some((e) => /^(true|yes|on|1)$/i.test(e)))
    throw new ConfigError(
      variable,
      'no longer takes true: list the addresses of your proxies or load balancers instead, as IPs or CIDRs separated by commas (e.g. 10.0.0.0/8,loopback)',
    );
  for (const e of entries) {
    if (KEYWORDS.has(e)) continue;
    if (/\/0+$/.test(e))
      throw new ConfigError(variable, `must not trust every address (${e}): list your proxies' addresses`);
    try {
      proxyAddr.compile(e);
    } catch {
      throw new ConfigError(
        variable,
        `has ${JSON.stringify(e)}, which is not an IP address, a CIDR or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  const trust = entries.length ? proxyAddr.compile(entries) : () => false;
  const trusts = (address: string | undefined, hop = 0) =>
    address !== undefined && isIP(address) !== 0 && trust(normaliseAddress(address), hop);

  return {
    enabled: entries.length > 0,
    header,
    trusts: (address) => trusts(address),
    clientAddress(remoteAddress, headers) {
      let address = normaliseAddress(remoteAddress ?? '');
      if (!trusts(address)) return address;
      const hops = forwardedHops(headers, header);
      for (let i = hops.length - 1, hop = 1; i >= 0; i--, hop++) {
        const next = hopAddress(hops[i]!);
        if (next === undefined) return address;
        address = next;
        if (!trusts(address, hop)) return address;
      }
      return address;
    },
  };
}

/** APIM_TRUST_PROXY and APIM_TRUST_PROXY_HEADER of an app's environment (see the README). */
export function readTrustedProxies(env: Record<string, string | undefined>): TrustedProxies {
  const header = (env.APIM_TRUST_PROXY_HEADER ?? '').trim().toLowerCase() || 'x-forwarded-for';
  if (!(FORWARDED_HEADERS as readonly string[]).includes(header))
    throw new ConfigError(
      'APIM_TRUST_PROXY_HEADER',
      `must be one of ${FORWARDED_HEADERS.join(', ')} (the header your proxies append to), got ${JSON.stringify(header)}`,
    );
  return parseTrustedProxies(env.APIM_TRUST_PROXY, header as ForwardedHeader);
}

/**
 * Which URLs the product may call on a user's say-so (a rule's JWKS, an external authorizer): an
 * admin's host allow-list (APIM_OUTBOUND_URL_ALLOWLIST), and addresses never called whatever the
 * list says: link-local ones (169.254.0.0/16, fe80::/10), where clouds serve instance metadata and
 * credentials, and the metadata services' other names and addresses.
 *
 * The control plane checks a URL when it is saved (`refusal`, which resolves the name); gateways
 * check it when they compile a rule (`hostRefusal`) and connect through `lookup`, which refuses a
 * forbidden address at connect time, so a name that resolves elsewhere later (DNS rebinding) is
 * still refused.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ConfigError } from './config.js';

export const OUTBOUND_URL_ALLOWLIST = 'APIM_OUTBOUND_URL_ALLOWLIST';

const FORBIDDEN_NAMES = new Set(['metadata.google.internal']);
const forbiddenAddresses = new BlockList();
// link-local, 169.254.169.254 (AWS, Azure, GCP, OpenStack metadata) among them
forbiddenAddresses.addSubnet('169.254.0.0', 16, 'ipv4');
forbiddenAddresses.addSubnet('fe80::', 10, 'ipv6');
// AWS's IPv6 metadata endpoint
forbiddenAddresses.addAddress('fd00:ec2::254', 'ipv6');

/** Whether an IP address may never be called (IPv4-mapped IPv6 addresses count as their IPv4). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && forbiddenAddresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** One allowed host: any port, or the one given. */
interface AllowedHost {
  hostname: string;
  port: string | null;
}

/** A host as URL gives it (lower case, IPv6 in brackets), without a trailing dot. */
const hostOf = (hostname: string) => hostname.toLowerCase().replace(/\.$/, '');

/**
 * APIM_OUTBOUND_URL_ALLOWLIST: comma-separated host names or host:port (IPv6 in brackets). Empty or
 * unset: every host but the forbidden ones.
 */
export function readOutboundUrlAllowlist(env: Record<string, string | undefined>): string[] {
  const entries = (env[OUTBOUND_URL_ALLOWLIST] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (const entry of entries) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(`x://${entry}`);
    } catch {
      // reported below
    }
    if (!parsed || parsed.pathname || parsed.username || parsed.search || parsed.hash || !parsed.hostname)
      throw new ConfigError(OUTBOUND_URL_ALLOWLIST, `"${entry}" is not a host name or host:port`);
  }
  return entries;
}

/** The policy of one process, made from its allow-list (readOutboundUrlAllowlist). */
export class OutboundUrlPolicy {
  private readonly allowed: AllowedHost[];

  constructor(allowlist: readonly string[]) {
    this.allowed = allowlist.map((entry) => {
      const u = new URL(`x://${entry}`);
      return { hostname: hostOf(u.hostname), port: u.port || null };
    });
  }

  /**
   * Why `url` may not be called, judged from the URL alone (scheme, allow-list, a forbidden name or
   * address literal), or null. Cheap: no name resolution.
   */
  hostRefusal(url: URL): string | null {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not called`;
    const host = hostOf(url.hostname);
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (FORBIDDEN_NAMES.has(host) || isForbiddenAddress(bare))
      return `The host ${url.host} is a link-local or cloud metadata address, which is never called`;
    if (this.allowed.length === 0) return null;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return this.allowed.some((a) => a.hostname === host && (a.port === null || a.port === port))
      ? null
      : `The host ${url.host} is not in ${OUTBOUND_URL_ALLOWLIST}`;
  }

  /**
   * Why `url` may not be called, or null: hostRefusal, then every address its name resolves to. A
   * name that does not resolve here is not refused (it may resolve where gateways run, whose
   * `lookup` checks it again at each connection).
   */
  async refusal(url: string): Promise<string | null> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `${url} is not a URL`;
    }
    const refused = this.hostRefusal(parsed);
    if (refused || isIP(parsed.hostname.replace(/^\[(.*)\]$/, '$1'))) return refused;
    const addresses = await new Promise<LookupAddress[]>((resolve) =>
      dnsLookup(parsed.hostname, { all: true }, (err, found) => resolve(err ? [] : found)),
    );
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    return bad
      ? `The host ${parsed.host} resolves to ${bad.address}, a link-local or cloud metadata address, which is never called`
      : null;
  }

  /**
   * A `lookup` for net.connect (undici's `connect` option): resolves as usual and fails the
   * connection when the name resolves to a forbidden address.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      const done = callback as (err: NodeJS.ErrnoException | null, ...result: unknown[]) => void;
      if (err) return done(err, options.all ? [] : '', 0);
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (bad) {
        const refused: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${bad.address}, a link-local or cloud metadata address, which is never called`,
        );
        refused.code = 'EOUTBOUNDREFUSED';
        return done(refused, options.all ? [] : '', 0);
      }
      if (options.all) return done(null, addresses);
      const first = addresses[0]!;
      done(null, first.address, first.family);
    });
  };
}

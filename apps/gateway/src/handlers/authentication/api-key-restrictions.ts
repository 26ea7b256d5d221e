import ipaddr from 'ipaddr.js';

function parseList(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function normalise(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const a = ipaddr.parse(ip);
    return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()
      ? (a as ipaddr.IPv6).toIPv4Address()
      : a;
  } catch {
    return null;
  }
}

/** An API key's `permittedIP` claim: comma-separated addresses or CIDR ranges; empty allows all. */
export function ipPermitted(claim: unknown, clientIp: string): boolean {
  const allowed = parseList(claim);
  if (allowed.length === 0) return true;
  const ip = normalise(clientIp);
  if (!ip) return false;
  return allowed.some((entry) => {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        return ip.kind() === range.kind() && ip.match([range, bits]);
      }
      const one = normalise(entry);
      return one !== null && one.kind() === ip.kind() && one.toString() === ip.toString();
    } catch {
      return false;
    }
  });
}

/** An API key's `permittedReferer` claim: comma-separated patterns where `*` matches anything. */
export function refererPermitted(claim: unknown, referer: string | undefined): boolean {
  const allowed = parseList(claim);
  if (allowed.length === 0) return true;
  if (!referer) return false;
  return allowed.some((p) => {
    const re = new RegExp(
      `^${p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return re.test(referer);
  });
}

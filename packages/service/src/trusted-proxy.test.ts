import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { normaliseAddress, parseTrustedProxies, readTrustedProxies } from './trusted-proxy.js';

describe('parseTrustedProxies: the setting', () => {
  it.each([undefined, '', '  ', 'false', 'FALSE', 'off'])('trusts no proxy for %j', (setting) => {
    const proxies = parseTrustedProxies(setting);
    expect(proxies.enabled).toBe(false);
    expect(proxies.trusts('127.0.0.1')).toBe(false);
    // the socket peer is the caller whatever the headers say
    expect(proxies.clientAddress('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).toBe('127.0.0.1');
  });

  it('takes IPs, CIDRs, netmasks and proxy-addr keywords', () => {
    const proxies = parseTrustedProxies(' 10.0.0.0/8, 192.168.1.7 ,fd00::/8,172.16.0.0/255.240.0.0,loopback');
    expect(proxies.enabled).toBe(true);
    for (const a of ['10.1.2.3', '192.168.1.7', 'fd00::1', '172.31.255.255', '127.0.0.1', '::1'])
      expect(proxies.trusts(a), a).toBe(true);
    for (const a of ['11.0.0.1', '192.168.1.8', 'fe80::1', '172.32.0.1', undefined, 'garbage'])
      expect(proxies.trusts(a), String(a)).toBe(false);
  });

  it('matches IPv4-mapped IPv6 peers against IPv4 ranges', () => {
    const proxies = parseTrustedProxies('10.0.0.0/8');
    expect(proxies.trusts('::ffff:10.9.8.7')).toBe(true);
    expect(proxies.clientAddress('::ffff:10.9.8.7', { 'x-forwarded-for': '::ffff:198.51.100.4' })).toBe(
      '198.51.100.4',
    );
  });

  it('refuses true with a message that says what to write instead', () => {
    for (const setting of ['true', 'TRUE', 'yes', '10.0.0.1,true'])
      expect(() => parseTrustedProxies(setting)).toThrow(
        /^Invalid configuration: APIM_TRUST_PROXY no longer takes true: list the addresses of your proxies/,
      );
  });

  it('refuses entries that are not addresses, and ranges that trust everyone', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8,proxy.internal')).toThrow(
      'Invalid configuration: APIM_TRUST_PROXY has "proxy.internal", which is not an IP address, a CIDR or one of loopback, linklocal, uniquelocal',
    );
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(ConfigError);
    expect(() => parseTrustedProxies('0.0.0.0/0')).toThrow(/must not trust every address \(0\.0\.0\.0\/0\)/);
    expect(() => parseTrustedProxies('::/0')).toThrow(/must not trust every address/);
  });

  it('reads APIM_TRUST_PROXY_HEADER, refusing other headers', () => {
    expect(readTrustedProxies({ APIM_TRUST_PROXY: 'loopback' }).header).toBe('x-forwarded-for');
    expect(readTrustedProxies({ APIM_TRUST_PROXY_HEADER: 'Forwarded' }).header).toBe('forwarded');
    expect(() => readTrustedProxies({ APIM_TRUST_PROXY_HEADER: 'x-real-ip' })).toThrow(
      'Invalid configuration: APIM_TRUST_PROXY_HEADER must be one of x-forwarded-for, forwarded (the header your proxies append to), got "x-real-ip"',
    );
  });
});

describe('clientAddress with X-Forwarded-For', () => {
  const proxies = parseTrustedProxies('10.0.0.0/8');

  it('takes the socket peer when it is not a trusted proxy, whatever it forwards', () => {
    expect(proxies.clientAddress('198.51.100.7', { 'x-forwarded-for': '10.0.0.1, 203.0.113.1' })).toBe(
      '198.51.100.7',
    );
  });

  it('takes the hop the trusted proxy appended', () => {
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '203.0.113.5' })).toBe('203.0.113.5');
  });

  it('ignores what the caller wrote to the left of the proxy-appended hop (spoofing)', () => {
    // The caller sent "X-Forwarded-For: 1.1.1.1, 10.0.0.9" itself; the proxy appended its peer.
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '1.1.1.1, 10.0.0.9, 203.0.113.5' })).toBe(
      '203.0.113.5',
    );
  });

  it('walks through a chain of trusted proxies to the first untrusted hop', () => {
    expect(
      proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.1.1.1, 10.2.2.2' }),
    ).toBe('203.0.113.5');
  });

  it('a spoofed trusted-looking hop does not carry the walk past the real caller', () => {
    // The caller (203.0.113.5) claims to be an inner proxy relaying for 9.9.9.9: not believed,
    // because 203.0.113.5 itself is not trusted.
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '9.9.9.9, 10.3.3.3, 203.0.113.5' })).toBe(
      '203.0.113.5',
    );
  });

  it('takes the leftmost hop when every hop is a trusted proxy', () => {
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '10.0.0.7, 10.0.0.8' })).toBe('10.0.0.7');
  });

  it('takes the proxy itself when it forwards nothing, or a hop that is not an address', () => {
    expect(proxies.clientAddress('10.0.0.2', {})).toBe('10.0.0.2');
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '' })).toBe('10.0.0.2');
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '1.2.3.4, unknown' })).toBe('10.0.0.2');
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': 'unknown, 10.0.0.3' })).toBe('10.0.0.3');
  });

  it('strips ports and brackets, and normalises IPv4-mapped hops', () => {
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '203.0.113.5:51234' })).toBe('203.0.113.5');
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '[2001:db8::5]:443' })).toBe('2001:db8::5');
    expect(proxies.clientAddress('10.0.0.2', { 'x-forwarded-for': '2001:db8::6' })).toBe('2001:db8::6');
    expect(proxies.clientAddress('::ffff:10.0.0.2', { 'x-forwarded-for': '::ffff:203.0.113.5' })).toBe(
      '203.0.113.5',
    );
  });

  it('reads repeated headers as one list, in order', () => {
    expect(
      proxies.clientAddress('10.0.0.2', {
        'x-forwarded-for': ['6.6.6.6', '203.0.113.5, 10.0.0.4'],
      } as unknown as Record<string, string>),
    ).toBe('203.0.113.5');
  });

  it('does not read Forwarded when the proxies append X-Forwarded-For', () => {
    // a caller-written Forwarded header passes through a proxy that only appends X-Forwarded-For
    expect(
      proxies.clientAddress('10.0.0.2', { forwarded: 'for=1.1.1.1', 'x-forwarded-for': '203.0.113.5' }),
    ).toBe('203.0.113.5');
  });

  it('returns the socket address as given when it is missing or unusual', () => {
    expect(proxies.clientAddress(undefined, { 'x-forwarded-for': '203.0.113.5' })).toBe('');
    expect(normaliseAddress('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(normaliseAddress('::1')).toBe('::1');
  });
});

describe('clientAddress with Forwarded (RFC 7239)', () => {
  const proxies = parseTrustedProxies('10.0.0.0/8, loopback', 'forwarded');

  it('reads for= from the right, with quoted IPv6 and ports', () => {
    expect(proxies.clientAddress('127.0.0.1', { forwarded: 'for=192.0.2.60;proto=http;by=10.0.0.1' })).toBe(
      '192.0.2.60',
    );
    expect(
      proxies.clientAddress('127.0.0.1', {
        forwarded: 'for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https, For=10.0.0.5',
      }),
    ).toBe('2001:db8:cafe::17');
  });

  it('ignores the caller-written elements left of the proxy-appended one (spoofing)', () => {
    expect(
      proxies.clientAddress('10.0.0.2', {
        forwarded: 'for=1.1.1.1, for="10.9.9.9", for=203.0.113.5;proto=https',
      }),
    ).toBe('203.0.113.5');
  });

  it('keeps commas and semicolons inside quoted values', () => {
    expect(
      proxies.clientAddress('10.0.0.2', {
        forwarded: 'for=6.6.6.6;ext="a,b;c", for=203.0.113.8;host="x,y"',
      }),
    ).toBe('203.0.113.8');
  });

  it('stops at the trusted proxy on an obfuscated, unknown or missing for=', () => {
    for (const forwarded of ['for=_hidden', 'for=unknown', 'proto=https', 'for=1.2.3.4, by=10.0.0.1'])
      expect(proxies.clientAddress('10.0.0.2', { forwarded }), forwarded).toBe('10.0.0.2');
  });

  it('does not read X-Forwarded-For when the proxies append Forwarded', () => {
    expect(
      proxies.clientAddress('10.0.0.2', { forwarded: 'for=203.0.113.5', 'x-forwarded-for': '1.1.1.1' }),
    ).toBe('203.0.113.5');
  });
});

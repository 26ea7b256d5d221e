import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { OutboundUrlPolicy, readOutboundUrlAllowlist } from './outbound-url.js';

const open = new OutboundUrlPolicy([]);

describe('outbound URL policy', () => {
  it('never calls link-local or cloud metadata addresses, even when listed', async () => {
    const listed = new OutboundUrlPolicy(['169.254.169.254', 'metadata.google.internal', '[fe80::1]']);
    for (const policy of [open, listed])
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://169.254.10.1:8080/',
        'http://0xa9fea9fe/',
        'http://[fe80::1]/',
        'http://[::ffff:169.254.169.254]/',
        'http://[fd00:ec2::254]/',
        'http://metadata.google.internal/computeMetadata/v1/',
        'http://METADATA.google.internal./',
      ])
        expect(await policy.refusal(url), url).toMatch(/link-local or cloud metadata/);
  });

  it('admits any other host without a list, and only listed hosts (and ports) with one', async () => {
    expect(await open.refusal('http://127.0.0.1:9/x')).toBeNull();
    const listed = new OutboundUrlPolicy(['auth.example.com', 'idp.example.com:8443', '127.0.0.1']);
    expect(listed.hostRefusal(new URL('https://Auth.Example.com/x'))).toBeNull();
    expect(listed.hostRefusal(new URL('https://idp.example.com:8443/jwks'))).toBeNull();
    expect(listed.hostRefusal(new URL('https://idp.example.com/jwks'))).toBe(
      'The host idp.example.com is not in APIM_OUTBOUND_URL_ALLOWLIST',
    );
    expect(listed.hostRefusal(new URL('http://evil.example.com/'))).toMatch(/evil.example.com is not in/);
    expect(listed.hostRefusal(new URL('file:///etc/passwd'))).toMatch(/file: URLs are not called/);
  });

  it('checks every address a name resolves to', async () => {
    expect(await open.refusal('http://localhost:9/')).toBeNull();
    // a name that does not resolve here is left to the connection-time check
    expect(await open.refusal('http://no-such-host.invalid/')).toBeNull();
  });

  it('reads the allow-list, refusing entries that are no host', () => {
    expect(readOutboundUrlAllowlist({})).toEqual([]);
    expect(readOutboundUrlAllowlist({ APIM_OUTBOUND_URL_ALLOWLIST: ' a.example, b.example:81 ,' })).toEqual([
      'a.example',
      'b.example:81',
    ]);
    expect(() => readOutboundUrlAllowlist({ APIM_OUTBOUND_URL_ALLOWLIST: 'http://a.example/x' })).toThrow(
      ConfigError,
    );
  });
});

describe('outbound URL policy at connect time', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('connects through its lookup to an allowed name', async () => {
    const body = await new Promise<string>((resolve, reject) =>
      get(`http://localhost:${port}/`, { lookup: open.lookup, agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject),
    );
    expect(body).toBe('ok');
  });
});

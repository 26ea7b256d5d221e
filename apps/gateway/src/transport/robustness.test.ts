/**
 * Hostile HTTP shapes sent on raw sockets: each gets a safe answer and none reaches the backend.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { startBackend, type TestBackend } from '../test-support/backend.js';
import { ControlPlaneFixture } from '../test-support/control-plane-fixture.js';
import { startTokenIssuer, type TokenIssuer } from '../test-support/token-issuer.js';
import { startGateway, type StartedGateway } from '../testing.js';

let db: TestDatabase;
let prefix: string;
let backend: TestBackend;
let issuer: TokenIssuer;
let fx: ControlPlaneFixture;
let gw: StartedGateway;
let port: number;

/** Sends raw bytes, returns everything the gateway wrote before closing (or after `waitMs` idle). */
function raw(data: string | Buffer, opts: { waitMs?: number; pauseAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    let timer: NodeJS.Timeout | null = null;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => s.destroy(), opts.waitMs ?? 1500);
    };
    s.on('connect', () => {
      s.write(data);
      arm();
    });
    s.on('data', (c) => {
      out += c.toString('latin1');
      arm();
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      if (timer) clearTimeout(timer);
      resolve(out);
    });
    s.on('timeout', () => reject(new Error('timeout')));
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix();
  backend = await startBackend();
  issuer = await startTokenIssuer();
  fx = new ControlPlaneFixture(db.url);
  await fx.deployApi({
    context: '/open',
    version: 'v1',
    backendUrl: backend.url,
    operations: [
      { verb: 'GET', target: '/*', authEnabled: false },
      { verb: 'POST', target: '/*', authEnabled: false },
    ],
  });
  gw = await startGateway({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: issuer.url,
    internalSecret: 'y'.repeat(40),
    env: {
      APIM_GATEWAY_MAX_HEADER_BYTES: '4096',
      APIM_GATEWAY_MAX_BODY_BYTES: '1024',
      APIM_GATEWAY_HEADERS_TIMEOUT_MS: '500',
      APIM_GATEWAY_REQUEST_TIMEOUT_MS: '1000',
    },
  });
  port = Number(new URL(gw.url).port);
});

afterAll(async () => {
  await gw?.close();
  await fx?.close();
  await backend?.close();
  await issuer?.close();
  await cleanupRedis(prefix);
  await db?.drop();
});

describe('HTTP robustness', () => {
  it('serves a well-formed request (the baseline the others differ from)', async () => {
    const r = await raw('GET /open/v1/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(r)).toBe(200);
    expect(backend.received.length).toBe(1);
  });

  const refused: Array<[string, string, number]> = [
    [
      'Content-Length with Transfer-Encoding',
      'POST /open/v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    [
      'two different Content-Lengths',
      'POST /open/v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      400,
    ],
    ['an obs-fold header', 'GET /open/v1/a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n', 400],
    [
      'bad chunk framing',
      'POST /open/v1/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      400,
    ],
    [
      'an unknown transfer coding',
      'POST /open/v1/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n',
      400,
    ],
    ['no Host header', 'GET /open/v1/a HTTP/1.1\r\n\r\n', 400],
    ['two Host headers', 'GET /open/v1/a HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n\r\n', 400],
    ['the same Host twice', 'GET /open/v1/a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nhost: x\r\n\r\n', 400],
    ['a dot-dot segment', 'GET /open/v1/../../admin HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['an encoded dot-dot', 'GET /open/v1/%2e%2e/admin HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['an encoded slash in a segment', 'GET /open/v1/a%2fb HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['an overlong UTF-8 dot', 'GET /open/v1/%c0%ae%c0%ae/x HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a backslash', 'GET /open/v1/a\\..\\b HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['an encoded backslash', 'GET /open/v1/a%5cb HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['an encoded NUL', 'GET /open/v1/a%00b HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['an absolute-form target', 'GET http://evil/open/v1/a HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    [
      'a declared body over the limit',
      `POST /open/v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n${'a'.repeat(100)}`,
      413,
    ],
    [
      'headers over the limit',
      `GET /open/v1/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`,
      431,
    ],
  ];

  it.each(refused)('answers %s safely and never calls the backend', async (_name, data, status) => {
    const before = backend.received.length;
    const r = await raw(data);
    expect(statusOf(r)).toBe(status);
    expect(r).toMatch(/"code":"9004(00|13|31)"/);
    expect(backend.received.length).toBe(before);
  });

  it('closes the connection after refusing two Host headers (RFC 9112 §3.2): a request behind is not read', async () => {
    const before = backend.received.length;
    const r = await raw(
      'GET /open/v1/a HTTP/1.1\r\nHost: x\r\nHOST: y\r\n\r\nGET /open/v1/b HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(statusOf(r)).toBe(400);
    expect(r).toMatch(/\r\nconnection: close\r\n/i);
    expect(r).toContain('"description":"A request carries one Host header, not several"');
    expect(r.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
    expect(backend.received.length).toBe(before);
  });

  it('refuses a body over the limit before inviting it (Expect: 100-continue)', async () => {
    const before = backend.received.length;
    const r = await raw(
      'POST /open/v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(statusOf(r)).toBe(413);
    expect(r).not.toContain('100 Continue');
    expect(backend.received.length).toBe(before);
  });

  it('invites the body (Expect: 100-continue) only of a request it will serve, then relays it', async () => {
    // refused on its headers: answered at once, the body never invited
    const refusedEarly = await raw(
      'POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(statusOf(refusedEarly)).toBe(404);
    expect(refusedEarly).not.toContain('100 Continue');

    const before = backend.received.length;
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      let out = '';
      s.on('connect', () =>
        s.write(
          'POST /open/v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
        ),
      );
      s.on('data', (c) => {
        const first = out === '';
        out += c.toString('latin1');
        // the body goes only once the gateway asked for it
        if (first) {
          expect(out).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
          s.write('hello');
        }
      });
      s.on('error', reject);
      s.on('close', () => resolve(out));
    });
    expect(answer).toMatch(/HTTP\/1\.1 200 OK/);
    expect(backend.received.length).toBe(before + 1);
    expect(backend.received.at(-1)).toMatchObject({ body: 'hello' });
    expect(backend.received.at(-1)!.headers.expect).toBeUndefined();
  });

  it('answers 408 to a client that never finishes its headers', async () => {
    const r = await raw('GET /open/v1/a HTTP/1.1\r\nHost: x\r\n', { waitMs: 5000 });
    expect(statusOf(r)).toBe(408);
    expect(r).toContain('"code":"900408"');
  });

  it('stops a chunked body that grows past the limit before the backend sees it whole', async () => {
    const before = backend.received.length;
    const chunk = `400\r\n${'a'.repeat(1024)}\r\n`;
    const r = await raw(
      `POST /open/v1/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`,
    );
    expect(statusOf(r)).toBe(413);
    expect(backend.received.length).toBe(before);
  });

  it('answers WSO2-shaped JSON for bad framing', async () => {
    const r = await raw('GET /open/v1/a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n');
    expect(r).toContain('"code":"900400"');
  });

  it('counts the requests refused before routing in the request metrics', async () => {
    const text = await gw.app.metricsText();
    const count = (status: number) =>
      Number(
        new RegExp(`^apim_gateway_requests_total\\{api="none",status="${status}"\\} (\\d+)$`, 'm').exec(
          text,
        )?.[1] ?? 0,
      );
    expect(count(431)).toBe(1);
    expect(count(408)).toBe(1);
    // framing errors (node's parser) and refused paths (the router) alike
    expect(count(400)).toBeGreaterThanOrEqual(refused.filter(([, , s]) => s === 400).length);
  });
});

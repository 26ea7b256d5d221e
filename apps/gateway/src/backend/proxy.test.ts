import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort } from '@apim/testing';
import http from 'node:http';
import { patternBytes, startBackend, type TestBackend } from '../test-support/backend.js';
import { startStack, type Stack } from '../test-support/stack.js';

let s: Stack;
let second: TestBackend;
let deadUrl: string;

beforeAll(async () => {
  s = await startStack();
  second = await startBackend('second');
  deadUrl = `http://127.0.0.1:${await freePort()}`;
  const open = [
    { verb: 'GET' as const, target: '/*', authEnabled: false },
    { verb: 'POST' as const, target: '/*', authEnabled: false },
  ];
  await s.fx.deployApi({ context: '/dead', backendUrl: deadUrl, operations: open });
  await s.fx.deployApi({
    context: '/slow',
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: s.backend.url },
      endpointTimeoutMs: 200,
    },
    operations: open,
  });
  await s.fx.deployApi({
    context: '/failover',
    endpointConfig: {
      endpoint_type: 'failover',
      production_endpoints: { url: deadUrl },
      production_failovers: [{ url: second.url }],
    },
    operations: open,
  });
  await s.fx.deployApi({
    context: '/balanced',
    endpointConfig: {
      endpoint_type: 'load_balance',
      production_endpoints: [{ url: s.backend.url }, { url: second.url }],
    },
    operations: open,
  });
  await s.fx.deployApi({
    context: '/suspending',
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: deadUrl },
      suspendAfterFailures: 1,
      suspendDurationMs: 60_000,
    },
    operations: open,
  });
  await s.fx.deployApi({
    context: '/versions',
    version: '2.0.0',
    isDefaultVersion: true,
    backendUrl: `${second.url}/v2`,
    operations: open,
  });
  await s.fx.deployApi({
    context: '/passthrough',
    backendUrl: s.backend.url,
    operations: [...open, { verb: 'HEAD' as const, target: '/*', authEnabled: false }],
  });
  await s.synced();
});

afterAll(async () => {
  await second?.close();
  await s?.close();
});

describe('backend calls', () => {
  it('answers 502 101503 when the backend refuses connections', async () => {
    const r = await s.call('/dead/1.0.0/x');
    expect(r.status).toBe(502);
    expect(r.json.code).toBe('101503');
  });

  it('answers 504 101504 when the backend does not answer in time', async () => {
    const r = await s.call('/slow/1.0.0/slow/3000');
    expect(r.status).toBe(504);
    expect(r.json.code).toBe('101504');
  });

  it('fails over to the next endpoint', async () => {
    const r = await s.call('/failover/1.0.0/x');
    expect(r.status).toBe(200);
    expect(r.json.backend).toBe('second');
  });

  it('balances requests across a load-balanced group', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add(String((await s.call('/balanced/1.0.0/x')).json.backend));
    expect(names).toEqual(new Set(['backend', 'second']));
  });

  it('suspends an endpoint after repeated failures (503 303001)', async () => {
    expect((await s.call('/suspending/1.0.0/x')).json.code).toBe('101503');
    const r = await s.call('/suspending/1.0.0/x');
    expect(r.status).toBe(503);
    expect(r.json.code).toBe('303001');
  });

  it('serves the default version without the version segment', async () => {
    const r = await s.call('/versions/items');
    expect(r.status).toBe(200);
    expect(r.json.url).toBe('/v2/items');
    expect((await s.call('/versions/2.0.0/items')).json.url).toBe('/v2/items');
  });

  it("relays the backend's own errors and streams request bodies unchanged", async () => {
    const r = await s.call('/passthrough/1.0.0/status/500');
    expect(r.status).toBe(500);
    expect(r.json.backend).toBe('backend');
    const body = 'x'.repeat(100_000);
    const posted = await s.call('/passthrough/1.0.0/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    expect(posted.json.body).toBe(body);
  });

  it('streams a large response through intact, at the pace of a slow reader', async () => {
    const size = 8 * 1024 * 1024;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${s.gw.url}/passthrough/1.0.0/bytes/${size}`, resolve).on('error', reject),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(size));
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const c of res as AsyncIterable<Buffer>) {
      chunks.push(c);
      received += c.length;
      // read slowly at first, so that the gateway has to pause the backend
      if (received < 2 * 1024 * 1024) await new Promise((r) => setTimeout(r, 2));
    }
    const body = Buffer.concat(chunks);
    expect(body.length).toBe(size);
    expect(body.equals(patternBytes(0, size))).toBe(true);
  });

  it('cuts the backend exchange when the client leaves mid-body, and keeps serving', async () => {
    const before = s.backend.abortedStreams;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${s.gw.url}/passthrough/1.0.0/bytes/${64 * 1024 * 1024}`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    });
    await eventually(() => expect(s.backend.abortedStreams).toBe(before + 1));
    expect((await s.call('/passthrough/1.0.0/x')).status).toBe(200);
  });

  it('relays answers without a body: HEAD, 204 and 304', async () => {
    const head = await fetch(`${s.gw.url}/passthrough/1.0.0/bytes/5000`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5000');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    for (const status of [204, 304]) {
      const r = await fetch(`${s.gw.url}/passthrough/1.0.0/status/${status}`);
      expect(r.status).toBe(status);
      expect((await r.arrayBuffer()).byteLength).toBe(0);
    }
    // the connection is still good for the next request
    expect((await s.call('/passthrough/1.0.0/x')).status).toBe(200);
  });
});

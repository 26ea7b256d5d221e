/** A real HTTP backend for gateway tests: echoes what it received as JSON and counts requests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TestBackend {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Paths starting with /status/<code> answer that code; /slow/<ms> waits before answering; anything
 * else answers 200 with the echo.
 */
export async function startBackend(name = 'backend'): Promise<TestBackend> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      const status = /\/status\/(\d{3})/.exec(r.url)?.[1];
      const slow = /\/slow\/(\d+)/.exec(r.url)?.[1];
      const answer = () => {
        res.writeHead(status ? Number(status) : 200, {
          'content-type': 'application/json',
          'x-backend': name,
        });
        res.end(JSON.stringify({ backend: name, ...r }));
      };
      if (slow) setTimeout(answer, Number(slow));
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

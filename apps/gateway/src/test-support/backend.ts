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
  /** /bytes responses whose client (the gateway) went away before the last byte */
  abortedStreams: number;
  close(): Promise<void>;
}

/**
 * Paths starting with /status/<code> answer that code; /slow/<ms> waits before answering;
 * /bytes/<n> streams n bytes (byte i = i % 251) in 64 KiB chunks, honouring backpressure; anything
 * else answers 200 with the echo (plus any `?set-header=name:value` response headers).
 */
export async function startBackend(name = 'backend'): Promise<TestBackend> {
  const received: ReceivedRequest[] = [];
  const backend = { abortedStreams: 0 };
  const server = http.createServer((req, res) => {
    const bytes = /\/bytes\/(\d+)/.exec(req.url ?? '')?.[1];
    if (bytes) {
      streamBytes(res, Number(bytes), () => backend.abortedStreams++);
      req.resume();
      return;
    }
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
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-backend': name };
        // ?set-header=name:value adds a response header
        for (const h of new URL(r.url, 'http://x').searchParams.getAll('set-header')) {
          const colon = h.indexOf(':');
          headers[h.slice(0, colon).toLowerCase()] = h.slice(colon + 1);
        }
        res.writeHead(status ? Number(status) : 200, headers);
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
    get abortedStreams() {
      return backend.abortedStreams;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The byte pattern /bytes/<n> sends, for checking what arrived. */
export function patternBytes(from: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (from + i) % 251;
  return b;
}

function streamBytes(res: http.ServerResponse, total: number, onAborted: () => void): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
  let sent = 0;
  res.on('close', () => {
    if (sent < total || !res.writableFinished) onAborted();
  });
  const pump = () => {
    while (sent < total) {
      const n = Math.min(65_536, total - sent);
      const ok = res.write(patternBytes(sent, n));
      sent += n;
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

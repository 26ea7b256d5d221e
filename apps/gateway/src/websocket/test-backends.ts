/** Real backends for the WebSocket and event-stream tests: a `ws` echo server and an SSE clock, on port 0. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface EchoBackend {
  /** ws://127.0.0.1:<port> */
  url: string;
  /** each handshake it accepted: its path and query, and headers */
  handshakes: Array<{ url: string; headers: http.IncomingHttpHeaders }>;
  /** the sockets open now */
  sockets: Set<WebSocket>;
  close(): Promise<void>;
}

/**
 * Echoes every message to its sender (text as text, binary as binary); chooses the `chat`
 * subprotocol when offered; says `welcome <path>` on connect when the path ends in `/greeted`.
 */
export async function startEchoBackend(): Promise<EchoBackend> {
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
  });
  const handshakes: EchoBackend['handshakes'] = [];
  const sockets = new Set<WebSocket>();
  server.on('connection', (ws, req) => {
    handshakes.push({ url: req.url ?? '', headers: req.headers });
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data, binary) => ws.send(data, { binary }));
    if (req.url?.endsWith('/greeted')) ws.send(`welcome ${req.url}`);
  });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    handshakes,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.terminate();
        server.close(() => r());
      }),
  };
}

export interface ClockBackend {
  url: string;
  /** streams still being written (the clock has not finished them) */
  open: number;
  close(): Promise<void>;
}

/**
 * An SSE clock: `GET /ticks?count=n&every=ms` sends `data: tick <i>` events every `every` ms (each
 * preceded by a `: heartbeat` comment block when `heartbeat=1`), then ends the stream.
 */
export async function startClockBackend(): Promise<ClockBackend> {
  const clock = { open: 0 };
  const server = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const count = Number(q.get('count') ?? 3);
    const every = Number(q.get('every') ?? 50);
    const heartbeat = q.get('heartbeat') === '1';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    clock.open++;
    let i = 0;
    const tick = () => {
      if (res.destroyed) return void clock.open--;
      if (i === count) {
        clock.open--;
        res.end();
        return;
      }
      res.write(`${heartbeat ? ': heartbeat\n\n' : ''}id: ${i}\ndata: tick ${i}\n\n`);
      i++;
      setTimeout(tick, every);
    };
    tick();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get open() {
      return clock.open;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Closing a server without dropping a request (SIGTERM in a rolling upgrade): it stops accepting,
 * lets the requests in flight finish, and closes each keep-alive connection once it is idle.
 * Node's server.close() closes only the connections idle at that moment: one whose response was
 * still in flight would stay open until its keep-alive timeout (the gateway's is 65 s, longer than
 * any shutdown deadline), so while draining idle connections are closed again every 50 ms, and a
 * request still arriving on a kept-alive connection is answered with `Connection: close`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

const RECHECK_MS = 50;

export function closeGracefully(server: Server | HttpsServer): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const endKeepAlive = (_req: IncomingMessage, res: ServerResponse) => {
      if (!res.headersSent) res.setHeader('connection', 'close');
    };
    server.prependListener('request', endKeepAlive);
    const recheck = setInterval(() => server.closeIdleConnections(), RECHECK_MS);
    server.close(() => {
      clearInterval(recheck);
      server.off('request', endKeepAlive);
      resolve();
    });
    server.closeIdleConnections();
  });
}

import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

type Serve = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** What a WebSocket relay takes over once the handshake passed the chain: the raw connection. */
export interface Handshake {
  socket: Duplex;
  /** bytes the client sent after its request head (the first frames, if any) */
  head: Buffer;
}

const handshakes = new WeakMap<http.IncomingMessage, Handshake>();

/** An upgrade request asking for the WebSocket protocol (RFC 6455 §4.1: `Upgrade: websocket`, any case). */
export function isWebSocketHandshake(req: http.IncomingMessage): boolean {
  // a plain request pays one header read
  return req.headers.upgrade !== undefined && handshakes.has(req);
}

/** The connection of a WebSocket handshake the pipeline is serving. */
export function handshakeOf(req: http.IncomingMessage): Handshake | undefined {
  return handshakes.get(req);
}

/**
 * The servers' `upgrade` listener. Node hands an upgrade request its bare socket; here it gets a
 * response bound to that socket and goes through the pipeline like any request, so routing, the
 * handler chain and the formatter answer it (a refused handshake is an HTTP answer in WSO2's
 * shape), and a WebSocket API's relay (src/websocket/) takes the socket over once it is admitted.
 * Any other upgrade (`h2c`) is served as a plain request. The connection closes after an answer:
 * Node no longer parses requests on a socket it handed over.
 */
export function upgradeListener(serve: Serve) {
  return (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node leaves an upgraded socket without an error listener
    socket.on('error', () => socket.destroy());
    if (req.headers.upgrade?.toLowerCase() === 'websocket') handshakes.set(req, { socket, head });
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    serve(req, res);
  };
}

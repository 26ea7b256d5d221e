import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Gauge, type Registry } from 'prom-client';
import { WebSocket, WebSocketServer } from 'ws';
import type { GatewayErrorName } from '@apim/contracts';
import type { Logger } from '@apim/service';
import type { Endpoint } from '../backend/endpoints.js';
import { backendHeaders } from '../backend/headers.js';
import { backendPath } from '../backend/proxy.js';
import type { BackendStage } from '../pipeline/chain.js';
import type { Context } from '../pipeline/context.js';
import { handshakeOf, type Handshake } from '../transport/upgrade.js';
import { offeredProtocols } from './browser-credentials.js';
import { GOING_AWAY } from './close-codes.js';
import { Connection } from './connection.js';
import { MessageGate } from './message-gate.js';
import type { OpenStreams } from './open-streams.js';

export interface RelayOptions {
  idleTimeoutMs: number;
  maxMessageBytes: number;
  /** the backend's handshake must be over within it, unless the endpoint sets connectTimeoutMs */
  connectTimeoutMs: number;
  logger: Logger;
  registry: Registry;
  /** where connections are listed for rechecks, beside the node's event streams */
  streams: OpenStreams;
}

/** RFC 6455 §4.1: a 16-byte nonce in base64, and version 13 (8 is what drafts sent; `ws` takes both). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

type Opened = { socket: WebSocket } | { kind: 'error'; error: GatewayErrorName };

/**
 * The backend stage of WebSocket APIs. Once the chain admitted a handshake, the backend's
 * WebSocket (the endpoint for the caller's key type, with the channel's path and query) is opened
 * first, so that a backend that is down is a 502 on the client's handshake, and the subprotocol it
 * chose is the one the client is answered with; then the client's handshake is completed and the
 * connection relayed (Connection) until either side closes. Resolves when it is over.
 */
export class WebSocketRelay {
  private readonly open = new Set<Connection>();
  private readonly server: WebSocketServer;
  /** the subprotocol to answer each pending handshake with */
  private readonly chosen = new WeakMap<IncomingMessage, string | false>();

  constructor(private readonly o: RelayOptions) {
    this.server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: o.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (_offered, req) => this.chosen.get(req) ?? false,
    });
    const open = this.open;
    new Gauge({
      name: 'apim_gateway_websocket_connections',
      help: 'WebSocket connections open through this node',
      registers: [o.registry],
      collect() {
        this.set(open.size);
      },
    });
  }

  readonly stage: BackendStage = async (ctx, res) => {
    const handshake = handshakeOf(ctx.req)!;
    const key = ctx.req.headers['sec-websocket-key'];
    const version = ctx.req.headers['sec-websocket-version'];
    if (!key || !KEY.test(key) || (version !== '13' && version !== '8'))
      return { kind: 'error', error: 'BAD_REQUEST' };
    const target = ctx.compiled.backend;
    const group = target.groups[ctx.credential?.keyType ?? 'PRODUCTION'];
    if (!group) return { kind: 'error', error: 'INCORRECT_ACCESS_TOKEN_TYPE' };
    const endpoints = group.candidates(Date.now());
    if (endpoints.length === 0) return { kind: 'error', error: 'ENDPOINT_SUSPENDED' };
    const offered = offeredProtocols(ctx.req.headers['sec-websocket-protocol']);
    const sentAt = performance.now();
    let opened: Opened = { kind: 'error', error: 'BACKEND_UNREACHABLE' };
    for (const endpoint of endpoints) {
      opened = await this.connect(ctx, endpoint, offered.protocols);
      if ('socket' in opened) {
        endpoint.succeeded();
        break;
      }
      endpoint.failed(Date.now());
    }
    if ('error' in opened) return opened;
    const backend = opened.socket;
    const latencyMs = performance.now() - sentAt;
    if (handshake.socket.destroyed) {
      backend.terminate();
      return { kind: 'answered', status: 101, latencyMs, completed: false };
    }
    // a browser that offered protocols fails a handshake answered with none: one that sent its
    // credential that way gets the marker back when the backend chose nothing
    this.chosen.set(ctx.req, backend.protocol || (offered.credential?.marker ?? false));
    res.detachSocket(handshake.socket as Socket);
    const client = await this.accept(ctx.req, handshake);
    if (!client) {
      backend.terminate();
      return { kind: 'answered', status: 101, latencyMs, completed: false };
    }
    const connection = new Connection(
      ctx,
      new MessageGate(ctx),
      client,
      backend,
      this.o.idleTimeoutMs,
      this.o.logger,
    );
    this.open.add(connection);
    this.o.streams.add(connection);
    await connection.done;
    this.open.delete(connection);
    this.o.streams.delete(connection);
    return {
      kind: 'answered',
      status: 101,
      latencyMs,
      completed: connection.completed,
      messages: connection.messages,
    };
  };

  /** The node stops: every open connection is closed (1001), and awaited. */
  async close(): Promise<void> {
    const closing = [...this.open];
    for (const c of closing) c.end(GOING_AWAY);
    await Promise.all(closing.map((c) => c.done));
  }

  /** Completes the client's handshake (101); null when its socket is gone or `ws` refused it (400, sent itself). */
  private accept(req: IncomingMessage, handshake: Handshake): Promise<WebSocket | null> {
    return new Promise((resolve) => {
      const gone = () => resolve(null);
      handshake.socket.once('close', gone);
      this.server.handleUpgrade(req, handshake.socket, handshake.head, (client) => {
        handshake.socket.off('close', gone);
        resolve(client);
      });
    });
  }

  /** The backend's WebSocket for this request on this endpoint, or why there is none. */
  private connect(ctx: Context, endpoint: Endpoint, protocols: string[]): Promise<Opened> {
    const scheme = endpoint.origin.startsWith('https:') ? 'wss' : 'ws';
    const headers = backendHeaders(ctx, endpoint.host, null);
    // the ws client makes its own handshake headers
    for (const h of Object.keys(headers)) if (h.startsWith('sec-websocket-')) delete headers[h];
    return new Promise((resolve) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(`${scheme}://${endpoint.host}${backendPath(ctx, endpoint)}`, protocols, {
          headers: headers as Record<string, string>,
          handshakeTimeout: this.o.connectTimeoutMs,
          maxPayload: this.o.maxMessageBytes,
          perMessageDeflate: false,
          followRedirects: false,
        });
      } catch {
        // a subprotocol that is no token, or offered twice
        resolve({ kind: 'error', error: 'BAD_REQUEST' });
        return;
      }
      const settle = (r: Opened) => {
        socket.removeAllListeners('open').removeAllListeners('unexpected-response');
        resolve(r);
      };
      socket.once('open', () => settle({ socket }));
      socket.once('unexpected-response', (req) => {
        req.destroy();
        settle({ kind: 'error', error: 'BACKEND_UNREACHABLE' });
      });
      // later errors are the connection's; until it is open, they are its end
      socket.on('error', (e) =>
        settle({
          kind: 'error',
          error: /timed out/.test(e.message) ? 'BACKEND_TIMEOUT' : 'BACKEND_UNREACHABLE',
        }),
      );
    });
  }
}

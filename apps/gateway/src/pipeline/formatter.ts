/**
 * The formatter stage: every answer reaches the client through here, the backend's streamed one as
 * well as those the gateway makes, so the response phases of the handlers that ran (in reverse
 * order) see them all, and ctx.responseHeaders apply to all.
 */
import type { ServerResponse } from 'node:http';
import { markClosing } from '../transport/closing.js';
import type { Context } from './context.js';
import type { GatewayResponse, ResponseHead } from './types.js';

/** A head ready to write: the backend's (its hop-by-hop headers left out) or one the gateway made. */
export interface OutgoingHead extends ResponseHead {
  writeHeaders(res: ServerResponse): void;
}

const NO_HEADERS: Readonly<Record<string, string | string[]>> = Object.freeze({});

function gatewayHead(r: GatewayResponse): OutgoingHead {
  return {
    status: r.status,
    source: 'gateway',
    headers: () => r.headers ?? NO_HEADERS,
    writeHeaders(res) {
      if (r.headers) for (const k in r.headers) res.setHeader(k, r.headers[k]!);
    },
  };
}

function applyEdits(res: ServerResponse, edits: Record<string, string | null>): void {
  for (const k in edits) {
    const v = edits[k];
    if (v === null || v === undefined) res.removeHeader(k);
    else res.setHeader(k, v);
  }
}

/** Runs the response-headers phase, then writes the status, the head's headers and the handlers' edits. */
export function writeHead(ctx: Context | null, res: ServerResponse, head: OutgoingHead): void {
  if (ctx && ctx.ran > 0) {
    const handlers = ctx.compiled.handlers;
    const started = performance.now();
    for (let i = ctx.ran - 1; i >= 0; i--) handlers[i]!.onResponseHeaders?.(ctx, head);
    ctx.responseMediationMs = performance.now() - started;
  }
  res.statusCode = head.status;
  head.writeHeaders(res);
  if (ctx) applyEdits(res, ctx.responseHeaders);
}

/** Runs the response-data phase on one chunk: what the handlers that ran make of it. */
function filtered(ctx: Context, chunk: Buffer): Buffer {
  const handlers = ctx.compiled.handlers;
  for (let i = ctx.ran - 1; i >= 0; i--) {
    const h = handlers[i]!;
    if (h.onResponseData) chunk = h.onResponseData(ctx, chunk) ?? chunk;
  }
  return chunk;
}

/** Writes one chunk of the backend's body through the data phase; false when the client is saturated. */
export function writeData(ctx: Context, res: ServerResponse, chunk: Buffer): boolean {
  const out = ctx.compiled.dataPhase ? filtered(ctx, chunk) : chunk;
  if (!res.destroyed) ctx.responseBytes += out.length;
  return ctx.events === null ? res.write(out) : ctx.events.write(out);
}

/** Ends the backend's answer: at once, or once an event stream has written what it holds. */
export function endData(ctx: Context, res: ServerResponse): void {
  if (ctx.events === null) res.end();
  else ctx.events.end();
}

/**
 * A whole answer the gateway made (a handler's outcome, an error). After the head went out (an
 * exchange cut mid-body) no status can be sent any more: the connection is cut instead. `close`
 * ends the connection after the answer (the request's framing cannot be trusted).
 */
export function answer(ctx: Context | null, res: ServerResponse, r: GatewayResponse, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeHead(ctx, res, gatewayHead(r));
  if (close) {
    res.setHeader('connection', 'close');
    markClosing(res.req.socket);
  }
  if (!ctx) {
    res.end(r.body);
    return;
  }
  const body = ctx.compiled.dataPhase
    ? filtered(ctx, typeof r.body === 'string' ? Buffer.from(r.body) : r.body)
    : r.body;
  ctx.responseBytes += typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.end(body);
}

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
  /** Copies its headers into `out`, leaving out those `edits` name (the edits replace or remove them). */
  copyHeaders(out: Record<string, string | string[]>, edits: Edits): void;
}

/** The handlers' header edits (ctx.responseHeaders): a value sets the header, null removes it. */
export type Edits = Readonly<Record<string, string | null>>;
const NO_HEADERS: Readonly<Record<string, string | string[]>> = Object.freeze({});
export const NO_EDITS: Edits = Object.freeze({});

/** Whether `edits` replaces or removes header `name` (own members only: a header may be called "constructor"). */
export const edited = (edits: Edits, name: string): boolean => Object.hasOwn(edits, name);

function gatewayHead(r: GatewayResponse): OutgoingHead {
  return {
    status: r.status,
    source: 'gateway',
    headers: () => r.headers ?? NO_HEADERS,
    copyHeaders(out, edits) {
      if (r.headers) for (const k in r.headers) if (!edited(edits, k)) out[k] = r.headers[k]!;
    },
  };
}

/**
 * The answer's headers in the order they go out: the request id (unless the head or an edit has
 * its own), the head's, the handlers' edits, and `connection: close` when the connection ends. One
 * plain object, so that a backend's head can go to `res.writeHead` whole: header by header through
 * `res.setHeader`, Node keeps them in a hash table (a runtime call per header, and a runtime for-in to
 * write the head: about 1 % of the gateway's CPU in a profile, bench/end-to-end.md 2026-12-05).
 */
function outgoingHeaders(
  ctx: Context | null,
  head: OutgoingHead,
  close: boolean,
): Record<string, string | string[]> {
  const edits = ctx?.responseHeaders ?? NO_EDITS;
  const out: Record<string, string | string[]> = {};
  if (ctx && !edited(edits, 'x-request-id')) out['x-request-id'] = ctx.requestId;
  head.copyHeaders(out, edits);
  for (const k in edits) {
    const v = edits[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  if (close) out.connection = 'close';
  return out;
}

/**
 * Runs the response-headers phase, then writes the status and the headers (outgoingHeaders): the
 * backend's head whole; the gateway's own answers and event streams through Node's header store,
 * since Node sets an answer's Content-Length from its body at end() and an event stream reads its
 * content type back.
 */
export function writeHead(ctx: Context | null, res: ServerResponse, head: OutgoingHead, close = false): void {
  if (ctx && ctx.ran > 0) {
    const handlers = ctx.compiled.handlers;
    const started = performance.now();
    for (let i = ctx.ran - 1; i >= 0; i--) handlers[i]!.onResponseHeaders?.(ctx, head);
    ctx.responseMediationMs = performance.now() - started;
  }
  const headers = outgoingHeaders(ctx, head, close);
  if (head.source === 'backend' && !ctx?.events) return void res.writeHead(head.status, headers);
  res.statusCode = head.status;
  for (const k in headers) res.setHeader(k, headers[k]!);
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
  writeHead(ctx, res, gatewayHead(r), close);
  if (close) markClosing(res.req.socket);
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

import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayErrorName } from '@apim/contracts';
import { BodyError } from '../builders/body.js';
import type { RequestContext } from '../pipeline/types.js';
import { peerAddress } from '../transport/client-address.js';
import type { BackendTarget, Endpoint } from './endpoints.js';

/** Hop-by-hop headers (RFC 9110 7.6.1) and ones the gateway sets itself. */
const REQUEST_DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
  'content-length',
]);
const RESPONSE_DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'trailer',
]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export interface BackendResult {
  status: number;
  /** the backend's status, null when it did not answer */
  targetStatus: number | null;
  backendLatencyMs: number | null;
  error: GatewayErrorName | null;
}

export type BackendBody = Buffer | Readable | null;

const NONE: ReadonlySet<string> = new Set();

/** Header names listed in Connection (hop-by-hop by declaration); the usual values name none. */
function connectionTokens(h: IncomingHttpHeaders): ReadonlySet<string> {
  const c = h.connection;
  if (typeof c !== 'string') return NONE;
  const lower = c.toLowerCase();
  if (lower === 'keep-alive' || lower === 'close') return NONE;
  return new Set(lower.split(',').map((s) => s.trim()));
}

function backendHeaders(
  ctx: RequestContext,
  host: string,
  bodyLength: number | null,
): Record<string, string | string[]> {
  const src = ctx.req.headers;
  const named = connectionTokens(src);
  const out: Record<string, string | string[]> = {};
  for (const k in src) {
    const v = src[k];
    if (v === undefined || REQUEST_DROP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  for (const k in ctx.backendHeaders) {
    const v = ctx.backendHeaders[k];
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  // as every proxy does, the gateway appends whoever connected to it: the client, or the trusted
  // proxy whose chain named the client (appending the client again would hide that proxy)
  const prior = src['x-forwarded-for'];
  const peer = peerAddress(ctx.req.socket);
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${peer}` : peer;
  out['x-forwarded-host'] = src.host ?? '';
  out['x-forwarded-proto'] = (ctx.req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  out['x-request-id'] = ctx.requestId;
  out.host = host;
  if (bodyLength !== null) out['content-length'] = String(bodyLength);
  else if (src['content-length'] !== undefined) out['content-length'] = src['content-length'];
  return out;
}

function backendPath(ctx: RequestContext, endpoint: Endpoint, prefixLength: number): string {
  const rest = ctx.target.rawSegments.slice(prefixLength).join('/');
  let path = `${endpoint.basePath}/${rest}`;
  if (ctx.target.trailingSlash && rest !== '') path += '/';
  let query = ctx.target.query;
  const edits = Object.keys(ctx.backendQuery);
  if (edits.length > 0) {
    const params = new URLSearchParams(query.slice(1));
    for (const k of edits) {
      const v = ctx.backendQuery[k];
      if (v === null || v === undefined) params.delete(k);
      else params.set(k, v);
    }
    const s = params.toString();
    query = s ? `?${s}` : '';
  }
  return path + query;
}

function classify(e: unknown): GatewayErrorName {
  const code = (e as { code?: string }).code;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  )
    return 'BACKEND_TIMEOUT';
  return 'BACKEND_UNREACHABLE';
}

/** Whether a backend response header reaches the client: hop-by-hop ones do not. */
const relayed = (name: string, named: ReadonlySet<string>) => !RESPONSE_DROP.has(name) && !named.has(name);

/** The backend's response headers a client gets, as an object (for a handler that keeps them). */
function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = connectionTokens(headers);
  const out: Record<string, string | string[]> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined && relayed(k, named)) out[k] = v;
  }
  return out;
}

function copyResponseHeaders(
  res: ServerResponse,
  headers: IncomingHttpHeaders,
  extra: Record<string, string | null>,
): void {
  const named = connectionTokens(headers);
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined && relayed(k, named)) res.setHeader(k, v);
  }
  for (const k in extra) {
    const v = extra[k];
    if (v === null || v === undefined) res.removeHeader(k);
    else res.setHeader(k, v);
  }
}

type Exchange = { kind: 'answered'; status: number; latencyMs: number } | { kind: 'failed'; error: unknown };

/**
 * One backend exchange written straight into the client's response. Hand-written on undici's
 * dispatch API rather than `pool.request()` + `pipe()`: that path wraps every response in a Readable,
 * a promise and several listeners, which was a fifth of the worker's CPU at gateway rates. Chunks
 * go to `res.write` as they arrive (backpressure pauses the backend socket). If either side goes away
 * mid-body the status line is already sent, so the only honest signal left is to cut the connection.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private latencyMs = 0;
  private done = false;
  private readonly sentAt = performance.now();
  private readonly onClientClose = () => {
    if (!this.done) this.controller?.abort(new Error('client closed the connection'));
  };

  constructor(
    private readonly ctx: RequestContext,
    private readonly res: ServerResponse,
    private readonly onStatus: (status: number) => void,
    private readonly settle: (e: Exchange) => void,
  ) {
    res.once('close', this.onClientClose);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.res.destroyed) controller.abort(new Error('client closed the connection'));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (status < 200) return; // 1xx: the final answer follows
    this.status = status;
    this.latencyMs = performance.now() - this.sentAt;
    this.onStatus(status);
    this.res.statusCode = status;
    this.ctx.recorder?.start(status, endToEnd(headers));
    copyResponseHeaders(this.res, headers, this.ctx.responseHeaders);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.ctx.meter && !this.res.destroyed) this.ctx.meter.responseBytes += chunk.length;
    this.ctx.recorder?.data(chunk);
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.done = true;
    this.res.off('close', this.onClientClose);
    this.ctx.recorder?.end();
    this.res.end();
    this.settle({ kind: 'answered', status: this.status, latencyMs: this.latencyMs });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.done = true;
    this.res.off('close', this.onClientClose);
    if (this.status === 0) {
      this.settle({ kind: 'failed', error });
      return;
    }
    this.res.destroy();
    this.settle({ kind: 'answered', status: this.status, latencyMs: this.latencyMs });
  }
}

function exchange(
  endpoint: Endpoint,
  options: Dispatcher.DispatchOptions,
  ctx: RequestContext,
  res: ServerResponse,
  onHeaders: (status: number) => void,
): Promise<Exchange> {
  return new Promise((resolve) => {
    endpoint.pool.dispatch(options, new ExchangeHandler(ctx, res, onHeaders, resolve));
  });
}

/**
 * Sends the request to the first available endpoint for the credential's key type and streams the
 * answer back untouched. Another endpoint is tried only when the request can be replayed safely
 * (no streamed body; after a response started, only for idempotent methods). Resolves when the
 * exchange is over (the body relayed, or cut).
 */
export async function forward(
  ctx: RequestContext,
  res: ServerResponse,
  target: BackendTarget,
  prefixLength: number,
  body: BackendBody,
  onHeaders: (status: number) => void,
): Promise<BackendResult> {
  const keyType = ctx.credential?.keyType ?? 'PRODUCTION';
  const group = target.groups[keyType];
  if (!group)
    return { status: 0, targetStatus: null, backendLatencyMs: null, error: 'INCORRECT_ACCESS_TOKEN_TYPE' };
  const endpoints = group.candidates(Date.now());
  if (endpoints.length === 0)
    return { status: 0, targetStatus: null, backendLatencyMs: null, error: 'ENDPOINT_SUSPENDED' };
  const replayable = !(body && !Buffer.isBuffer(body));
  let lastError: GatewayErrorName = 'BACKEND_UNREACHABLE';
  for (let i = 0; i < endpoints.length; i++) {
    const endpoint = endpoints[i]!;
    const outcome = await exchange(
      endpoint,
      {
        path: backendPath(ctx, endpoint, prefixLength),
        method: ctx.method as Dispatcher.HttpMethod,
        headers: backendHeaders(ctx, endpoint.host, Buffer.isBuffer(body) ? body.length : null),
        body: body ?? undefined,
        headersTimeout: target.timeoutMs,
        bodyTimeout: target.timeoutMs,
      },
      ctx,
      res,
      onHeaders,
    );
    if (outcome.kind === 'answered') {
      endpoint.succeeded();
      return {
        status: outcome.status,
        targetStatus: outcome.status,
        backendLatencyMs: outcome.latencyMs,
        error: null,
      };
    }
    if (outcome.error instanceof BodyError) throw outcome.error;
    if (res.destroyed) break; // the client left: nobody to answer
    endpoint.failed(Date.now());
    lastError = classify(outcome.error);
    const retry = replayable && (lastError === 'BACKEND_UNREACHABLE' || IDEMPOTENT.has(ctx.method));
    if (retry) continue;
    return { status: 0, targetStatus: null, backendLatencyMs: null, error: lastError };
  }
  return { status: 0, targetStatus: null, backendLatencyMs: null, error: lastError };
}

import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayErrorName } from '@apim/contracts';
import { BodyError } from '../builders/body.js';
import type { RequestContext } from '../pipeline/types.js';
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

function connectionTokens(h: IncomingHttpHeaders): Set<string> {
  const c = h.connection;
  return new Set(
    typeof c === 'string'
      ? c
          .toLowerCase()
          .split(',')
          .map((s) => s.trim())
      : [],
  );
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
  const prior = src['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${ctx.clientIp}` : ctx.clientIp;
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

function copyResponseHeaders(
  res: ServerResponse,
  headers: IncomingHttpHeaders,
  extra: Record<string, string | null>,
): void {
  const named = connectionTokens(headers);
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined || RESPONSE_DROP.has(k) || named.has(k)) continue;
    res.setHeader(k, v);
  }
  for (const k in extra) {
    const v = extra[k];
    if (v === null || v === undefined) res.removeHeader(k);
    else res.setHeader(k, v);
  }
}

/**
 * Streams the backend's body to the client. (Plain pipe: stream/promises' pipeline allocates an
 * AbortSignal per call, measurable at gateway rates.) If either side goes away mid-body the status
 * line is already sent, so the only honest signal left is to cut the connection.
 */
function relay(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    body.once('error', () => {
      res.destroy();
      resolve();
    });
    res.once('close', () => {
      if (!body.readableEnded) body.destroy();
      resolve();
    });
    res.once('finish', resolve);
    body.pipe(res);
  });
}

/**
 * Sends the request to the first available endpoint for the credential's key type and streams the
 * answer back untouched. Another endpoint is tried only when the request can be replayed safely
 * (no streamed body; after a response started, only for idempotent methods).
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
  const now = Date.now();
  const endpoints = group.candidates(now);
  if (endpoints.length === 0)
    return { status: 0, targetStatus: null, backendLatencyMs: null, error: 'ENDPOINT_SUSPENDED' };
  const replayable = !(body && !Buffer.isBuffer(body));
  let lastError: GatewayErrorName = 'BACKEND_UNREACHABLE';
  for (let i = 0; i < endpoints.length; i++) {
    const endpoint = endpoints[i]!;
    const sent = performance.now();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await endpoint.pool.request({
        path: backendPath(ctx, endpoint, prefixLength),
        method: ctx.method as Dispatcher.HttpMethod,
        headers: backendHeaders(
          ctx,
          new URL(endpoint.origin).host,
          Buffer.isBuffer(body) ? body.length : null,
        ),
        body: body ?? undefined,
        headersTimeout: target.timeoutMs,
        bodyTimeout: target.timeoutMs,
      });
    } catch (e) {
      if (e instanceof BodyError) throw e;
      endpoint.failed(Date.now());
      lastError = classify(e);
      const retry = replayable && (lastError === 'BACKEND_UNREACHABLE' || IDEMPOTENT.has(ctx.method));
      if (retry) continue;
      return { status: 0, targetStatus: null, backendLatencyMs: null, error: lastError };
    }
    endpoint.succeeded();
    const latency = performance.now() - sent;
    onHeaders(answer.statusCode);
    res.statusCode = answer.statusCode;
    copyResponseHeaders(res, answer.headers, ctx.responseHeaders);
    await relay(answer.body, res);
    return {
      status: answer.statusCode,
      targetStatus: answer.statusCode,
      backendLatencyMs: latency,
      error: null,
    };
  }
  return { status: 0, targetStatus: null, backendLatencyMs: null, error: lastError };
}

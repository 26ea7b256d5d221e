import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { GatewayErrorName } from '@apim/contracts';
import { BodyError } from '../builders/body.js';
import type { Context } from '../pipeline/context.js';
import type { Endpoint } from './endpoints.js';
import { ExchangeHandler, type Exchange } from './exchange.js';
import { backendHeaders } from './headers.js';
import { backendBody } from './request-body.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** How the backend stage ended: the backend answered (relayed in full or cut), or an error to answer. */
export type BackendResult =
  | { kind: 'answered'; status: number; latencyMs: number; completed: boolean }
  | { kind: 'error'; error: GatewayErrorName };

/** The path and query the backend gets: the endpoint's path, the request's after its context and version, the handlers' query edits. */
export function backendPath(ctx: Context, endpoint: Endpoint): string {
  const rest = ctx.target.rawSegments.slice(ctx.prefixLength).join('/');
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

/**
 * The last stage of the chain: sends the request to the first available endpoint for the
 * credential's key type and streams the answer back through the formatter. Another endpoint is
 * tried only when the request can be replayed safely (no streamed body; after a response started,
 * only for idempotent methods). Resolves when the exchange is over (the body relayed, or cut).
 */
export async function forward(ctx: Context, res: ServerResponse): Promise<BackendResult> {
  const api = ctx.compiled.backend;
  const target = api.byOperation?.get(ctx.operation) ?? api;
  const group = target.groups[ctx.credential?.keyType ?? 'PRODUCTION'];
  if (!group) return { kind: 'error', error: 'INCORRECT_ACCESS_TOKEN_TYPE' };
  const endpoints = group.candidates(Date.now());
  if (endpoints.length === 0) return { kind: 'error', error: 'ENDPOINT_SUSPENDED' };
  const pending = backendBody(ctx);
  // a promise only when a handler buffered the body: most requests take no extra turn here
  const body = pending instanceof Promise ? await pending : pending;
  const replayable = !(body && !Buffer.isBuffer(body));
  let lastError: GatewayErrorName = 'BACKEND_UNREACHABLE';
  for (const endpoint of endpoints) {
    const options: Dispatcher.DispatchOptions = {
      path: backendPath(ctx, endpoint),
      method: ctx.method as Dispatcher.HttpMethod,
      headers: backendHeaders(ctx, endpoint.host, Buffer.isBuffer(body) ? body.length : null),
      body: body ?? undefined,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
    };
    // resolves when the exchange is over: relayed, failed or cut
    const outcome = await new Promise<Exchange>((resolve) =>
      endpoint.pool.dispatch(options, new ExchangeHandler(ctx, res, resolve)),
    );
    if (outcome.kind === 'answered') {
      endpoint.succeeded();
      return outcome;
    }
    if (outcome.error instanceof BodyError) throw outcome.error;
    if (res.destroyed) break; // the client left: nobody to answer
    endpoint.failed(Date.now());
    lastError = classify(outcome.error);
    const retry = replayable && (lastError === 'BACKEND_UNREACHABLE' || IDEMPOTENT.has(ctx.method));
    if (!retry) break;
  }
  return { kind: 'error', error: lastError };
}

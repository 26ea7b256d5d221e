import type { ServerResponse } from 'node:http';
import { forward, type BackendResult } from '../backend/proxy.js';
import type { Context } from './context.js';
import { answer } from './formatter.js';
import { answered, type Ending } from './report.js';
import { errorResponse } from './respond.js';
import type { Outcome } from './types.js';

/** The last stage of the chain: the HTTP exchange with the backend, or a WebSocket API's relay. */
export type BackendStage = (
  ctx: Context,
  res: ServerResponse,
) => Promise<BackendResult & { messages?: { in: number; out: number } }>;

/** A handler that asked for byte counts learns the size of a body buffered but never forwarded. */
async function countBufferedBody(ctx: Context): Promise<void> {
  if (ctx.countingBytes) ctx.requestBytes = (await ctx.bufferedBody()?.catch(() => null))?.length ?? 0;
}

/**
 * Runs an API's chain for one request: each handler's `onRequest` in order until one answers, else
 * the backend stage (the HTTP exchange, or a WebSocket API's relay). Answers go out through the
 * formatter; returns how the exchange ended.
 */
export async function runChain(
  ctx: Context,
  res: ServerResponse,
  backend: BackendStage = forward,
): Promise<Ending> {
  const handlers = ctx.compiled.handlers;
  const trace = ctx.trace;
  let outcome: Outcome;
  while (ctx.ran < handlers.length) {
    const h = handlers[ctx.ran]!;
    // a handler whose onRequest throws is not counted as run: its response phases are skipped
    const o = trace && h.onRequest ? trace.phase(h.name, () => h.onRequest!(ctx)) : h.onRequest?.(ctx);
    outcome = o instanceof Promise ? await o : o;
    ctx.ran++;
    if (outcome) {
      answer(ctx, res, outcome);
      await countBufferedBody(ctx);
      return answered(outcome);
    }
  }
  ctx.requestMediationMs = performance.now() - ctx.startedAt;
  const result = trace ? await trace.backend(ctx, () => backend(ctx, res)) : await backend(ctx, res);
  if (result.kind === 'answered')
    return {
      status: result.status,
      targetStatus: result.status,
      backendLatencyMs: result.latencyMs,
      error: null,
      completed: result.completed,
      messages: result.messages,
    };
  const r = errorResponse(
    result.error,
    result.error === 'INCORRECT_ACCESS_TOKEN_TYPE'
      ? `This API has no ${ctx.credential?.keyType.toLowerCase()} endpoint`
      : undefined,
  );
  answer(ctx, res, r);
  await countBufferedBody(ctx);
  return answered(r);
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiType } from '@apim/contracts';
import { requestIdOf, type Logger } from '@apim/service';
import { BodyError } from '../builders/body.js';
import { isClosing } from '../transport/closing.js';
import { isWebSocketHandshake } from '../transport/upgrade.js';
import { runChain, type BackendStage } from './chain.js';
import type { Context } from './context.js';
import { Entry, type EntryOptions } from './entry.js';
import { answer } from './formatter.js';
import { answered } from './report.js';
import { errorResponse } from './respond.js';
import type { GatewayResponse } from './types.js';

export interface PipelineOptions extends EntryOptions {
  logger: Logger;
  /** the backend stage of the API types that are no plain HTTP exchange (WebSocket relay, event streams) */
  stages: Partial<Record<ApiType, BackendStage>>;
}

/** What a failure inside the chain becomes: the client's body fault, or the gateway's own. */
function failureAnswer(e: unknown): GatewayResponse {
  if (!(e instanceof BodyError)) return errorResponse('INTERNAL_ERROR');
  return e.kind === 'too-large'
    ? errorResponse('PAYLOAD_TOO_LARGE', e.message)
    : errorResponse('BAD_REQUEST', e.message);
}

/**
 * The gateway's request path: entry (health, checks, routing), the API's chain ending in the
 * backend stage, the formatter for every answer, then the log phase (handlers, analytics, metrics).
 */
export function createPipeline(o: PipelineOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const entry = new Entry(o);
  const { reports, logger } = o;
  // a GraphQL API's WebSocket handshake (subscriptions) is relayed as a WS API's
  const stageOf = (ctx: Context) =>
    ctx.api.type === 'GRAPHQL' && isWebSocketHandshake(ctx.req)
      ? o.stages.WS
      : o.stages[ctx.api.type ?? 'HTTP'];

  async function serve(ctx: Context, res: ServerResponse): Promise<void> {
    let ending;
    try {
      ending = await runChain(ctx, res, stageOf(ctx));
    } catch (e) {
      if (!(e instanceof BodyError))
        logger.error({ err: e, requestId: ctx.requestId }, 'request failed in the gateway');
      const r = failureAnswer(e);
      answer(ctx, res, r, r.status === 413);
      ending = answered(r);
    }
    reports.done(ctx, ending);
  }

  // Nothing a request carries may take the process down: anything thrown is a 500 for this request.
  return function guarded(req, res) {
    // a request pipelined behind one answered with Connection: close: the socket closes unanswered
    if (isClosing(req.socket)) return;
    const requestId = requestIdOf(req);
    try {
      const ctx = entry.admit(req, res, requestId, performance.now());
      if (ctx) serve(ctx, res).catch(() => res.destroy());
    } catch (e) {
      logger.error({ err: e, requestId }, 'request failed in the gateway');
      if (!res.headersSent) res.setHeader('x-request-id', requestId);
      answer(null, res, errorResponse('INTERNAL_ERROR'), true);
    }
  };
}

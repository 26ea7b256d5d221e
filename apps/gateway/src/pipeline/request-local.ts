import type { RequestContext } from './types.js';

/** Where per-request values live: the context keeps one map, made on first use. */
export interface HasLocals {
  locals: Map<RequestLocal<unknown>, unknown> | null;
}

/**
 * A value one handler keeps for one request between its phases (Kong's `kong.ctx.plugin`), e.g.
 * the bandwidth meter throttling charges in `onDone`. Make one per handler module; the value goes
 * with the request.
 */
export class RequestLocal<T> {
  get(ctx: RequestContext): T | undefined {
    return (ctx as unknown as HasLocals).locals?.get(this) as T | undefined;
  }

  set(ctx: RequestContext, value: T): void {
    const c = ctx as unknown as HasLocals;
    (c.locals ??= new Map()).set(this, value);
  }
}

import type { Context } from '../pipeline/context.js';
import type { Handler, MessageVerdict, Outcome, StreamMessage } from '../pipeline/types.js';

/**
 * The message phase of one connection or event stream: the `onMessage` of the chain's handlers
 * that have one, in chain order, until one refuses or replies. Most checks answer at once (a counter with a
 * reservation left), so a promise is made only when some handler must wait (a Redis round trip).
 */
export class MessageGate {
  private readonly handlers: Handler[];

  constructor(private readonly ctx: Context) {
    this.handlers = ctx.compiled.handlers.filter((h) => h.onMessage);
  }

  check(message: StreamMessage): MessageVerdict | Promise<MessageVerdict> {
    for (let i = 0; i < this.handlers.length; i++) {
      const o = this.handlers[i]!.onMessage!(this.ctx, message);
      if (o instanceof Promise) return this.finish(o, i + 1, message);
      if (o) return o;
    }
    return undefined;
  }

  /** The rest of the handlers, after one that had to wait. */
  private async finish(
    pending: Promise<MessageVerdict>,
    next: number,
    message: StreamMessage,
  ): Promise<MessageVerdict> {
    const first = await pending;
    if (first) return first;
    for (let i = next; i < this.handlers.length; i++) {
      const o = await this.handlers[i]!.onMessage!(this.ctx, message);
      if (o) return o;
    }
    return undefined;
  }

  /** The connection checked again after access changed: the first handler that refuses it now. */
  recheck(): Outcome {
    for (const h of this.ctx.compiled.handlers) {
      const o = h.onRecheck?.(this.ctx);
      if (o) return o;
    }
    return undefined;
  }
}

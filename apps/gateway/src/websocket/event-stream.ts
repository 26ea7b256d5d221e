import type { ServerResponse } from 'node:http';
import { forward } from '../backend/proxy.js';
import type { BackendStage } from '../pipeline/chain.js';
import type { Context, EventWriter } from '../pipeline/context.js';
import { errorResponse } from '../pipeline/respond.js';
import type { MessageVerdict, Outcome } from '../pipeline/types.js';
import { MessageGate } from './message-gate.js';
import type { OpenStreams, Recheckable } from './open-streams.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

/** A block of comment lines only (`: heartbeat`): no event to a client (WHATWG HTML §9.2.6), so not counted. */
function commentsOnly(block: Buffer): boolean {
  let lineStart = true;
  for (const b of block) {
    if (b === LF || b === CR) lineStart = true;
    else if (lineStart && b !== COLON) return false;
    else lineStart = false;
  }
  return true;
}

/**
 * A Server-Sent Events API's answer on its way to the client, each event (ended by an empty line,
 * any of the three line ends) written as soon as it is complete, never later, after passing the
 * message phase (comment blocks, such as heartbeats, pass uncounted). A refused event is not sent:
 * the stream ends there with an `error` event carrying WSO2's error body, and so does an event
 * larger than the message limit. While a check waits for a shared counter, the events behind it
 * are held and the backend paused (write answers false; 'drain' is emitted when they may come).
 * A reply from the message phase drops the event (the backend, its sender, cannot be answered).
 * Rechecked when access changes, as WebSocket connections are: a refusal ends the stream with the
 * same `error` event (and the backend exchange, as the answer closes).
 */
export class EventStream implements EventWriter, Recheckable {
  readonly messages = { in: 0, out: 0 };
  private readonly gate: MessageGate;
  /** an answer that is no event stream (an error from the backend) goes through as it is */
  private events: boolean | null = null;
  private ended = false;
  /** the bytes of the event under way, and the line-end state at the end of the bytes seen so far */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineStart = true;
  private afterCR = false;
  /** a check that had to wait, the chunks that came behind it, and whether the answer ended meanwhile */
  private waiting = false;
  private held: Buffer[] = [];
  private endHeld = false;

  constructor(
    private readonly ctx: Context,
    private readonly res: ServerResponse,
    private readonly maxEventBytes: number,
  ) {
    this.gate = new MessageGate(ctx);
  }

  write(chunk: Buffer): boolean {
    if (this.ended) return true;
    if (this.waiting) {
      this.held.push(chunk);
      return false;
    }
    this.events ??= /^text\/event-stream/i.test(String(this.res.getHeader('content-type') ?? ''));
    return this.events ? this.scan(chunk) : this.res.write(chunk);
  }

  /** Checked again after access changed: a handler that refuses the caller now ends the stream. */
  recheck(): void {
    const o = this.gate.recheck();
    if (!o || this.ended) return;
    // before the backend answered there is no stream to end with an event: the request is cut
    if (this.events !== true) return void this.res.destroy();
    this.refuse([], o);
  }

  end(): void {
    if (this.waiting) this.endHeld = true;
    else if (!this.ended) {
      this.ended = true;
      this.res.end(Buffer.concat(this.pending));
    }
  }

  private scan(chunk: Buffer): boolean {
    const complete: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (!this.endsEvent(chunk[i]!)) continue;
      const event = this.take(chunk.subarray(from, i + 1));
      from = i + 1;
      if (commentsOnly(event)) {
        complete.push(event);
        continue;
      }
      const verdict = this.gate.check({ direction: 'out', data: event, binary: false });
      if (verdict instanceof Promise) {
        this.flush(complete);
        this.wait(verdict, event, chunk.subarray(from));
        return false;
      }
      if (verdict && 'reply' in verdict) continue;
      if (verdict) return this.refuse(complete, verdict);
      this.messages.out++;
      complete.push(event);
    }
    if (from < chunk.length) {
      this.pending.push(chunk.subarray(from));
      this.pendingBytes += chunk.length - from;
      if (this.pendingBytes > this.maxEventBytes)
        return this.refuse(
          complete,
          errorResponse('BAD_REQUEST', 'An event is larger than the gateway relays'),
        );
    }
    return this.flush(complete);
  }

  /** Holds the rest until the check of `event` is over, then goes on (or ends the stream). */
  private wait(verdict: Promise<MessageVerdict>, event: Buffer, rest: Buffer): void {
    this.waiting = true;
    if (rest.length > 0) this.held.unshift(rest);
    verdict.then(
      (o) => {
        this.waiting = false;
        if (o && !('reply' in o)) return void this.refuse([], o);
        if (!o) {
          this.messages.out++;
          this.res.write(event);
        }
        while (!this.waiting && !this.ended && this.held.length > 0) this.scan(this.held.shift()!);
        if (this.waiting || this.ended) return;
        if (this.endHeld) this.end();
        else this.res.emit('drain');
      },
      () => this.res.destroy(),
    );
  }

  private flush(complete: Buffer[]): boolean {
    if (complete.length === 0) return true;
    return this.res.write(complete.length === 1 ? complete[0]! : Buffer.concat(complete));
  }

  /** Whether this byte is the line end of an empty line (an event's end), following line ends across chunks. */
  private endsEvent(b: number): boolean {
    if (b !== LF && b !== CR) {
      this.lineStart = false;
      this.afterCR = false;
      return false;
    }
    if (b === LF && this.afterCR) {
      this.afterCR = false; // the LF of a CRLF: its line ended at the CR
      return false;
    }
    this.afterCR = b === CR;
    if (!this.lineStart) {
      this.lineStart = true;
      return false;
    }
    return true;
  }

  /** The whole event: the bytes held from earlier chunks, then its end in this one. */
  private take(end: Buffer): Buffer {
    if (this.pending.length === 0) return end;
    const event = Buffer.concat([...this.pending, end]);
    this.pending = [];
    this.pendingBytes = 0;
    return event;
  }

  /** Sends the events admitted before, then an `error` event, and ends the answer. */
  private refuse(complete: Buffer[], o: NonNullable<Outcome>): boolean {
    if (this.ended) return true;
    this.ended = true;
    // the gateway's error bodies are one-line JSON in WSO2's shape
    this.res.end(Buffer.concat([...complete, Buffer.from(`event: error\ndata: ${String(o.body)}\n\n`)]));
    return true;
  }
}

/** The backend stage of Server-Sent Events APIs: the HTTP exchange, its answer written through an EventStream. */
export function eventStreamStage(maxEventBytes: number, open: OpenStreams): BackendStage {
  return async (ctx, res) => {
    const stream = new EventStream(ctx, res, maxEventBytes);
    ctx.events = stream;
    open.add(stream);
    try {
      const result = await forward(ctx, res);
      return result.kind === 'answered' ? { ...result, messages: stream.messages } : result;
    } finally {
      open.delete(stream);
    }
  };
}

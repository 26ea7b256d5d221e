import type { WebSocket } from 'ws';
import type { Logger } from '@apim/service';
import type { Context } from '../pipeline/context.js';
import type { MessageVerdict, Outcome, StreamMessage } from '../pipeline/types.js';
import { BAD_GATEWAY, closeReasonOf, IDLE, relayable, type CloseReason } from './close-codes.js';
import type { MessageGate } from './message-gate.js';

type Direction = StreamMessage['direction'];

/** Bytes waiting to go out on one side beyond which the other side is read no further until they drain. */
const HIGH_WATER_BYTES = 1024 * 1024;

const TOO_BIG: CloseReason = { code: 1009, reason: 'Message too big' };

/**
 * One proxied WebSocket connection: the client's socket and the backend's, messages relayed both
 * ways through the message phase (each one counted against the caller's quotas; a refusal closes
 * both sides with WSO2's code and reason; a reply goes back to the sender in place of the message), an idle timeout (any message or ping either way keeps
 * it open), and either side's close passed on to the other. `done` resolves once both are closed.
 */
export class Connection {
  readonly messages = { in: 0, out: 0 };
  /** false when the gateway ended it (refused, idle, a side failed) rather than a side closing */
  completed = true;
  readonly done: Promise<void>;
  private ended = false;
  private lastActivity = Date.now();
  private readonly idleTimer: NodeJS.Timeout;
  /** messages of one direction waiting behind a check that had to wait, so their order holds */
  private readonly queued: Record<Direction, Promise<void> | null> = { in: null, out: null };

  constructor(
    private readonly ctx: Context,
    private readonly gate: MessageGate,
    private readonly client: WebSocket,
    private readonly backend: WebSocket,
    private readonly idleTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    let open = 2;
    this.done = new Promise((resolve) => {
      const closed = () => --open === 0 && resolve();
      client.once('close', closed);
      backend.once('close', closed);
    });
    client.on('message', (data, binary) => this.relay('in', data as Buffer, binary, backend, client));
    backend.on('message', (data, binary) => this.relay('out', data as Buffer, binary, client, backend));
    for (const s of [client, backend]) s.on('ping', this.touch).on('pong', this.touch);
    client.on('close', (code, reason) => this.closedBy(backend, code, reason));
    backend.on('close', (code, reason) => this.closedBy(client, code, reason));
    client.on('error', (e) => this.failed('client', e));
    backend.on('error', (e) => this.failed('backend', e));
    this.idleTimer = setTimeout(this.checkIdle, idleTimeoutMs);
  }

  /** Ends the connection on both sides with this code and reason (a refusal, the idle timeout, shutdown). */
  end(reason: CloseReason): void {
    if (this.ended) return;
    this.ended = true;
    this.completed = false;
    clearTimeout(this.idleTimer);
    this.client.close(reason.code, reason.reason);
    this.backend.close(reason.code, reason.reason);
  }

  /** Checked again after access changed: a handler that refuses it now ends it. */
  recheck(): void {
    const o = this.gate.recheck();
    if (o) this.refused(o);
  }

  private readonly touch = (): void => {
    this.lastActivity = Date.now();
  };

  // one timer per connection, moved on only when it fires: a message costs a clock read, not a timer
  private readonly checkIdle = (): void => {
    const idle = Date.now() - this.lastActivity;
    if (idle >= this.idleTimeoutMs) this.end(IDLE);
    else this.idleTimer.refresh();
  };

  private relay(direction: Direction, data: Buffer, binary: boolean, to: WebSocket, from: WebSocket): void {
    this.touch();
    const message: StreamMessage = { direction, data, binary };
    const waiting = this.queued[direction];
    if (waiting) {
      this.enqueue(
        direction,
        waiting.then(async () => this.deliver(await this.gate.check(message), message, to, from)),
        from,
      );
      return;
    }
    const verdict = this.gate.check(message);
    if (!(verdict instanceof Promise)) return this.deliver(verdict, message, to, from);
    from.pause();
    this.enqueue(
      direction,
      verdict.then((o) => this.deliver(o, message, to, from)),
      from,
    );
  }

  private enqueue(direction: Direction, work: Promise<void>, from: WebSocket): void {
    const tail: Promise<void> = work
      .catch((e: unknown) => this.failed(direction === 'in' ? 'client' : 'backend', e as Error))
      .then(() => {
        if (this.queued[direction] !== tail) return;
        this.queued[direction] = null;
        from.resume();
      });
    this.queued[direction] = tail;
  }

  private deliver(verdict: MessageVerdict, message: StreamMessage, to: WebSocket, from: WebSocket): void {
    if (this.ended) return;
    if (verdict && 'reply' in verdict) return void from.send(verdict.reply);
    if (verdict) return this.refused(verdict);
    this.messages[message.direction]++;
    if (message.direction === 'in') this.ctx.requestBytes += message.data.length;
    else this.ctx.responseBytes += message.data.length;
    if (to.bufferedAmount < HIGH_WATER_BYTES) {
      to.send(message.data, { binary: message.binary });
      return;
    }
    from.pause();
    to.send(message.data, { binary: message.binary }, () => from.resume());
  }

  private refused(outcome: NonNullable<Outcome>): void {
    this.logger.debug(
      { requestId: this.ctx.requestId, error: outcome.error },
      'WebSocket connection closed by the gateway',
    );
    this.end(closeReasonOf(outcome.error));
  }

  /** One side closed: the other is closed with its code and reason where they may be sent on. */
  private closedBy(other: WebSocket, code: number, reason: Buffer): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    if (relayable(code)) other.close(code, reason);
    else if (other === this.client) other.close(BAD_GATEWAY.code, BAD_GATEWAY.reason);
    else other.close();
  }

  /** A side failed (a message over the size limit, a broken socket): the other is told why. */
  private failed(side: 'client' | 'backend', e: Error): void {
    if (this.ended) return;
    const tooBig = (e as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    this.logger.debug({ requestId: this.ctx.requestId, side, err: e.message }, 'WebSocket side failed');
    this.end(tooBig ? TOO_BIG : side === 'backend' ? BAD_GATEWAY : { code: 1001, reason: 'Client failed' });
  }
}

/** A long-lived exchange that is checked again when access changes on the node. */
export interface Recheckable {
  recheck(): void;
}

/**
 * The WebSocket connections and event streams open on this node. When access changes (a token
 * revoked, a subscription or application removed or blocked), each is checked again, once for a
 * burst of changes, so a revoked caller's connection or stream ends within the event's arrival.
 */
export class OpenStreams {
  private readonly open = new Set<Recheckable>();
  private recheckQueued = false;

  add(stream: Recheckable): void {
    this.open.add(stream);
  }

  delete(stream: Recheckable): void {
    this.open.delete(stream);
  }

  recheckSoon(): void {
    if (this.recheckQueued) return;
    this.recheckQueued = true;
    setImmediate(() => {
      this.recheckQueued = false;
      for (const s of this.open) s.recheck();
    });
  }
}

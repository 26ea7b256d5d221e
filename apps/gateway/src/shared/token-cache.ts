/**
 * A bounded map of verification results by token. When full, the oldest entry goes (insertion
 * order): tokens are used in bursts, so this keeps the working set without LRU bookkeeping per hit.
 */
export class TokenCache<V extends { expiresAt: number }> {
  private readonly map = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(token: string, now = Date.now()): V | undefined {
    const v = this.map.get(token);
    if (v && v.expiresAt <= now) {
      this.map.delete(token);
      return undefined;
    }
    return v;
  }

  set(token: string, value: V): void {
    if (this.max === 0) return;
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(token, value);
  }

  clear(): void {
    this.map.clear();
  }

  /** Drops the entries `test` picks (a walk over the whole cache: for rare events only). */
  deleteWhere(test: (value: V) => boolean): void {
    for (const [k, v] of this.map) if (test(v)) this.map.delete(k);
  }
}

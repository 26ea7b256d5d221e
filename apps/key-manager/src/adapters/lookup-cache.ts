import { LRUCache } from 'lru-cache';

/**
 * A bounded cache of database lookups that holds the lookup's promise, so concurrent misses for
 * one key share one query. Only correct while someone calls `clear()` on every change of what it
 * caches (see lookup-listener.ts); while nobody can (`enabled` false), every get queries.
 *
 * Clearing drops the promises of lookups still in flight as well: a caller that arrives after the
 * change always starts a new query, and a query that started before it is never stored.
 */
export class LookupCache<V> {
  private readonly entries: LRUCache<string, { value: Promise<V> }>;
  private enabled = false;

  constructor(maxEntries: number) {
    // (lru-cache needs a bound of at least 1; a cache that is never enabled holds nothing anyway)
    this.entries = new LRUCache({ max: Math.max(1, maxEntries) });
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    if (!this.enabled) return load();
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const entry = { value: load() };
    this.entries.set(key, entry);
    // a failed lookup is not remembered
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }

  setEnabled(enabled: boolean): void {
    this.entries.clear();
    this.enabled = enabled;
  }

  get size(): number {
    return this.entries.size;
  }
}

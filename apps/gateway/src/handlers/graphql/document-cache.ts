import { createHash } from 'node:crypto';
import type { GraphQLSchema } from './graphql-js.js';
import { analyse, type Analysis } from './analysis.js';

/** The SHA-256 of a query's text in hex: the cache key, and Apollo's persisted query hash. */
export function queryHash(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

export interface CachedDocument {
  query: string;
  analysis: Analysis;
}

/**
 * The documents one API was sent, each parsed and validated once, by the hash of its text; the least
 * recently used goes first when full. It doubles as the store of Apollo's automatic persisted queries:
 * a hash it has forgotten is asked for again (PersistedQueryNotFound), as the protocol allows.
 */
export class DocumentCache {
  private readonly entries = new Map<string, CachedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly max: number,
  ) {}

  /** The document of this hash, if it was sent before and is still kept. */
  byHash(hash: string): CachedDocument | undefined {
    const hit = this.entries.get(hash);
    if (hit) {
      // most recently used last
      this.entries.delete(hash);
      this.entries.set(hash, hit);
    }
    return hit;
  }

  /** The analysed document of this text (its hash computed when the caller has none). */
  get(query: string, hash = queryHash(query)): CachedDocument {
    const hit = this.byHash(hash);
    if (hit) return hit;
    const made = { query, analysis: analyse(this.schema, query) };
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, made);
    return made;
  }

  get size(): number {
    return this.entries.size;
  }
}

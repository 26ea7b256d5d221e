export interface CachedAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  storedAt: number;
  expiresAt: number;
}

/**
 * Answers kept in memory, least recently used first out once their bytes pass `maxBytes`. One per
 * deployed API and worker: a new revision compiles a new handler, so it starts empty.
 */
export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, now: number): CachedAnswer | undefined {
    const a = this.entries.get(key);
    if (!a) return undefined;
    this.drop(key, a);
    if (a.expiresAt <= now) return undefined;
    this.keep(key, a); // most recently used last
    return a;
  }

  set(key: string, a: CachedAnswer): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.keep(key, a);
    for (const [k, oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(k, oldest);
    }
  }

  private keep(key: string, a: CachedAnswer): void {
    this.entries.set(key, a);
    this.bytes += a.body.length;
  }

  private drop(key: string, a: CachedAnswer): void {
    this.entries.delete(key);
    this.bytes -= a.body.length;
  }
}

/** Response directives that forbid keeping an answer for others (RFC 9111 §5.2.2). */
const NOT_STORED = /(?:^|,)\s*(?:no-store|no-cache|private)\s*(?:[,=]|$)/i;

/** Request headers an answer may vary by that are part of the cache key (see the handler). */
const KEYED = new Set(['accept', 'accept-encoding']);

/**
 * Whether a backend answer may be served to later callers: a 200 the backend did not mark
 * private or uncacheable, that sets no cookie and varies by nothing outside the key.
 */
export function storable(status: number, headers: Record<string, string | string[]>): boolean {
  if (status !== 200 || headers['set-cookie'] !== undefined) return false;
  const cc = headers['cache-control'];
  if (cc !== undefined && NOT_STORED.test(String(cc))) return false;
  const vary = headers.vary;
  if (vary === undefined) return true;
  return String(vary)
    .split(',')
    .every((h) => KEYED.has(h.trim().toLowerCase()));
}

/** Records one backend exchange and keeps its answer when it is storable and small enough. */
export class AnswerRecording {
  private status = 0;
  private headers: Readonly<Record<string, string | string[]>> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private keep = false;

  constructor(
    private readonly cache: AnswerCache,
    private readonly key: string,
    private readonly ttlMs: number,
    private readonly maxEntryBytes: number,
  ) {}

  start(status: number, headers: Readonly<Record<string, string | string[]>>): void {
    const declared = Number(headers['content-length'] ?? 0);
    this.keep = storable(status, headers) && declared <= this.maxEntryBytes;
    this.status = status;
    this.headers = headers;
  }

  data(chunk: Buffer): void {
    if (!this.keep) return;
    this.size += chunk.length;
    if (this.size > this.maxEntryBytes) {
      this.keep = false;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }

  end(): void {
    if (!this.keep) return;
    const now = Date.now();
    // one copy of its own, so the socket buffers the chunks were cut from can go
    this.cache.set(this.key, {
      status: this.status,
      headers: this.headers,
      body: Buffer.concat(this.chunks, this.size),
      storedAt: now,
      expiresAt: now + this.ttlMs,
    });
  }
}

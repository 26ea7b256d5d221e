import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

const BUFFER_BYTES = 64 * 1024;
/** a write is due once this much has gathered (nginx's `access_log ... buffer=32k`) */
const FLUSH_BYTES = 32 * 1024;
const FLUSH_MS = 1000;
/** the most bytes a JavaScript string of n UTF-16 units can encode to */
const maxBytes = (s: string) => s.length * 3;

function openAppending(file: string): number {
  mkdirSync(path.dirname(file), { recursive: true });
  return openSync(file, 'a');
}

/** What befell the writer that the gateway's log should say (never a line's content). */
export interface LineWriterEvents {
  /**
   * writing failed for a reason other than a full pipe and the buffered lines were dropped; said
   * once, then not again until a write has succeeded
   */
  failed(err: Error): void;
}

/**
 * Lines appended to a file (or stdout), buffered as nginx's `access_log ... buffer= flush=` does:
 * encoded into one reused buffer and written synchronously once FLUSH_BYTES have gathered, every
 * FLUSH_MS when traffic is light, and at close. Hand-written rather than sonic-boom, pino's writer:
 * its string mode measures the whole pending string again for every line and encodes each chunk
 * twice, and its asynchronous writes hop to libuv's thread pool and back; at gateway rates that was
 * a quarter of the gateway's CPU per request (bench/end-to-end.md). A write of 32 KiB to the page
 * cache is a few microseconds. A non-blocking stdout nobody drains never blocks it: what does not
 * fit waits in the buffer, and lines that find it full are dropped and counted.
 */
export class LineWriter {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private len = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** the last write failed: the next failure is not reported again */
  private failing = false;
  /** lines dropped because the buffer was full (a non-blocking stdout nobody reads) */
  dropped = 0;

  /**
   * `destination`: 'stdout', or the path of a file appended to (its folder made if missing); a
   * file that cannot be opened throws, so that a wrong path stops the start, not the log.
   */
  static open(destination: string, events: LineWriterEvents): LineWriter {
    if (destination === 'stdout') return new LineWriter(1, null, events);
    return new LineWriter(openAppending(destination), destination, events);
  }

  /** `file`: the path `fd` was opened from, closed with the writer and reopened by reopen(); null: not ours (stdout) */
  constructor(
    private fd: number,
    private readonly file: string | null,
    private readonly events: LineWriterEvents,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Appends one line (a newline is added). */
  write(line: string): void {
    if (this.closed) return;
    const room = BUFFER_BYTES - maxBytes(line) - 1; // the most the buffer may hold before the line
    if (this.len > room) this.flush();
    if (this.len > room) {
      this.dropped++;
      return;
    }
    this.len += this.buf.write(line, this.len, 'utf8');
    this.buf[this.len++] = 0x0a;
    if (this.len >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered, as far as the destination takes it now. */
  flush(): void {
    let written = 0;
    let failure: Error | null = null;
    try {
      while (written < this.len) written += writeSync(this.fd, this.buf, written, this.len - written);
    } catch (e) {
      // a full pipe: what is left waits for the next flush; anything else loses what is buffered
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') failure = e as Error;
    }
    if (failure) {
      if (!this.failing) this.events.failed(failure);
      this.failing = true;
      this.len = 0;
      return;
    }
    if (written > 0) this.failing = false;
    this.buf.copy(this.buf, 0, written, this.len);
    this.len -= written;
  }

  /**
   * Writes what is buffered to the file as it was, then goes on at its path: after logrotate has
   * moved it away (nginx's USR1). A path that cannot be opened any more keeps the old file.
   */
  reopen(): void {
    if (this.closed || this.file === null) return;
    let fd: number;
    try {
      fd = openAppending(this.file);
    } catch (e) {
      this.events.failed(e as Error);
      return;
    }
    this.flush();
    closeSync(this.fd);
    this.fd = fd;
  }

  /** Writes what is buffered and closes the file (never stdout). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
    if (this.file !== null) closeSync(this.fd);
  }
}

// a CommonJS module: its class is a property of the default export
import sonicBoom, { type SonicBoom } from 'sonic-boom';
import { sampledIn } from '@apim/contracts';
import type { Logger } from '@apim/service';
import type { ExchangeReport, Reporter } from '../../pipeline/types.js';
import { exchangeFields } from '../exchange-fields.js';

export interface AccessLogOptions {
  /** 'stdout', or the path of a file appended to (its folder made if missing) */
  destination: string;
  /** share of successful requests logged (0 to 1); errors are always logged */
  sampleRate: number;
  gatewayId: string;
}

const BUFFER_BYTES = 8 * 1024;
const FLUSH_MS = 1000;
const WRITE_BYTES = 64 * 1024;

/**
 * `new Date(ms).toISOString()` with the part up to the second made once per second: the full
 * conversion was a third of a line's cost, and a busy gateway logs thousands of lines a second.
 */
let isoSecond = Number.NaN;
let isoPrefix = '';
function isoTime(ms: number): string {
  const whole = Math.floor(ms);
  const second = Math.floor(whole / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20); // 2026-12-03T16:52:07.
  }
  return `${isoPrefix}${String(whole - second * 1000).padStart(3, '0')}Z`;
}

/**
 * The access log, a reporter of the log phase: one JSON line per request with the analytics
 * event's fields and the trace id when tracing is on (as Kong's file-log and WSO2's access log).
 * Errors (a status of 400 or more, or a gateway error) are always written; successes at
 * APIM_ACCESS_LOG_SAMPLE_RATE, chosen by request id as analytics samples its events, so a request
 * in one is in the other at the same rate. Lines go through sonic-boom, pino's asynchronous writer,
 * buffered as nginx's `access_log ... buffer= flush=`: written once BUFFER_BYTES have gathered, or
 * FLUSH_MS after the last write when traffic is light, and at close. A write per line (or per
 * event-loop turn) was 7 % of the gateway's CPU in the end-to-end benchmark; this is one write per
 * ~40 lines.
 * Never written: headers (Authorization, API keys), the query string (it may carry an API key).
 */
export class AccessLogReporter implements Reporter {
  private readonly out: SonicBoom;
  /** stdout is the process's: flushed at close, never closed */
  private readonly ownsDestination: boolean;

  constructor(
    private readonly o: AccessLogOptions,
    logger: Logger,
  ) {
    this.ownsDestination = o.destination !== 'stdout';
    const buffering = {
      sync: false,
      minLength: BUFFER_BYTES,
      maxWrite: WRITE_BYTES,
      periodicFlush: FLUSH_MS,
    };
    this.out = this.ownsDestination
      ? new sonicBoom.SonicBoom({ dest: o.destination, mkdir: true, append: true, ...buffering })
      : new sonicBoom.SonicBoom({ fd: 1, ...buffering });
    // a file that cannot be opened or written costs the access log, never the requests
    this.out.on('error', (err: Error) =>
      logger.error({ err, destination: o.destination }, 'the access log cannot be written'),
    );
  }

  onDone(r: ExchangeReport): void {
    if (r.status < 400 && r.error === null && !sampledIn(r.requestId, this.o.sampleRate)) return;
    const url = r.req.url ?? '/';
    const q = url.indexOf('?');
    const line = {
      log: 'access',
      time: isoTime(Date.now() - r.totalMs),
      traceId: r.trace?.traceId ?? null,
      path: q < 0 ? url : url.slice(0, q),
      ...exchangeFields(r, this.o.gatewayId),
    };
    this.out.write(`${JSON.stringify(line)}\n`);
  }

  /** Writes what is buffered; closes the file (not stdout). */
  close(): Promise<void> {
    const out = this.out;
    return new Promise<void>((resolve) => {
      if (!this.ownsDestination) return out.flush(() => resolve());
      out.once('close', () => resolve());
      out.end();
    });
  }
}

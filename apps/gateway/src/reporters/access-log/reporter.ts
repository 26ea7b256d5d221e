import { sampledIn } from '@apim/contracts';
import { ConfigError, type Logger } from '@apim/service';
import type { ExchangeReport, Reporter } from '../../pipeline/types.js';
import { accessLine } from './access-line.js';
import { LineWriter } from './line-writer.js';

export interface AccessLogOptions {
  /** 'stdout', or the path of a file appended to (its folder made if missing) */
  destination: string;
  /** share of successful requests logged (0 to 1); errors are always logged */
  sampleRate: number;
  gatewayId: string;
}

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
 * in one is in the other at the same rate. Lines are buffered and written in chunks (LineWriter).
 * Never written: headers (Authorization, API keys), the query string (it may carry an API key).
 */
export class AccessLogReporter implements Reporter {
  private readonly out: LineWriter;
  private readonly gatewayMember: string;

  constructor(
    private readonly o: AccessLogOptions,
    logger: Logger,
  ) {
    this.gatewayMember = `"gatewayId":${JSON.stringify(o.gatewayId)}`;
    try {
      this.out = LineWriter.open(o.destination, {
        // a file that cannot be written any more costs the access log, never the requests
        failed: (err) =>
          logger.error({ err, destination: o.destination }, 'the access log cannot be written'),
      });
    } catch (e) {
      throw new ConfigError('APIM_ACCESS_LOG', `names a file that cannot be opened: ${(e as Error).message}`);
    }
  }

  onDone(r: ExchangeReport): void {
    if (r.status < 400 && r.error === null && !sampledIn(r.requestId, this.o.sampleRate)) return;
    const url = r.req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    this.out.write(accessLine(r, this.gatewayMember, isoTime(Date.now() - r.totalMs), path));
  }

  /** Goes on in a new file at the same path (SIGHUP, after logrotate moved the file away). */
  reopen(): void {
    this.out.reopen();
  }

  /** Writes what is buffered; closes the file (not stdout). */
  close(): void {
    this.out.close();
  }
}

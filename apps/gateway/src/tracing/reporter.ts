import type { ExchangeReport, Reporter } from '../pipeline/types.js';

/** The log phase's end of a request's trace: its server span closes with what the exchange came to. */
export class TraceReporter implements Reporter {
  onDone(report: ExchangeReport): void {
    report.trace?.end(report);
  }
}

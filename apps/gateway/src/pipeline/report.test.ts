/**
 * The log phase's timing: a request's trace ends with it; the gateway-wide reporters get the
 * requests that ended in one turn of the event loop together, one reporter after the other, and
 * whatever is pending when the gateway stops.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@apim/service';
import type { RequestTrace } from '../tracing/request-trace.js';
import { answered, ReportStage, type Arrival } from './report.js';
import { errorResponse } from './respond.js';
import type { ExchangeReport, Reporter } from './types.js';

const logger = createLogger('gateway', 'silent');
const turnEnd = () => new Promise((r) => setImmediate(r));

/** A request refused before routing: the log phase needs no more than its arrival. */
function arrival(requestId: string, trace: RequestTrace | null = null): Arrival {
  return {
    req: {} as IncomingMessage,
    requestId,
    startedAt: performance.now(),
    clientIp: '127.0.0.1',
    trace,
  };
}

function recorder(name: string, seen: string[]): Reporter {
  return { onDone: (r: ExchangeReport) => void seen.push(`${name}:${r.requestId}`) };
}

const ending = answered(errorResponse('NO_MATCHING_RESOURCE'));

describe('the log phase', () => {
  it('hands a turn’s requests to the reporters together at the end of the turn, reporter by reporter', async () => {
    const seen: string[] = [];
    const stage = new ReportStage([recorder('metrics', seen), recorder('log', seen)], logger);
    for (const id of ['r1', 'r2', 'r3']) stage.done(arrival(id), ending);
    expect(seen).toEqual([]);
    await turnEnd();
    expect(seen).toEqual(['metrics:r1', 'metrics:r2', 'metrics:r3', 'log:r1', 'log:r2', 'log:r3']);
    stage.done(arrival('r4'), ending);
    await turnEnd();
    expect(seen.slice(6)).toEqual(['metrics:r4', 'log:r4']);
  });

  it('hands over what is pending at once when flushed (the gateway stopping), and only once', async () => {
    const seen: string[] = [];
    const stage = new ReportStage([recorder('log', seen)], logger);
    stage.done(arrival('r1'), ending);
    stage.flush();
    expect(seen).toEqual(['log:r1']);
    await turnEnd();
    expect(seen).toEqual(['log:r1']);
  });

  it('ends the request’s trace with the request, not at the end of the turn', () => {
    const ended: ExchangeReport[] = [];
    const trace = { end: (r: ExchangeReport) => void ended.push(r) } as unknown as RequestTrace;
    new ReportStage([], logger).done(arrival('r1', trace), ending);
    expect(ended.map((r) => [r.requestId, r.status, r.error])).toEqual([['r1', 404, 'NO_MATCHING_RESOURCE']]);
  });

  it('goes on with the other reports and reporters when one reporter throws', async () => {
    const seen: string[] = [];
    const failing: Reporter = {
      onDone(r) {
        if (r.requestId === 'r1') throw new Error('reporter failed');
        seen.push(`failing:${r.requestId}`);
      },
    };
    const stage = new ReportStage([failing, recorder('log', seen)], logger);
    stage.done(arrival('r1'), ending);
    stage.done(arrival('r2'), ending);
    await turnEnd();
    expect(seen).toEqual(['failing:r2', 'log:r1', 'log:r2']);
  });
});

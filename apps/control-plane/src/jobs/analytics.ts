/**
 * Merges the analytics the gateways ship. Each job of the BullMQ analytics queue is a gateway's
 * batch: per-minute rollup rows with the raw events it kept (format 3), or, from a gateway of
 * before edge aggregation, one record per request (format 2, aggregated here the same way). The
 * batch is written to every sink (the Postgres store first: it knows whether the batch is new). It
 * runs with the control plane's other jobs, never on gateway machines, and any number of control
 * planes may run it (BullMQ hands each batch to one of them; a failed batch is retried with
 * back-off, and a batch merged already adds nothing).
 */
import { createHash } from 'node:crypto';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import {
  ANALYTICS_QUEUE,
  AnalyticsAggregator,
  MalformedAnalyticsBatch,
  decodeAggregateBatch,
  decodeAnalyticsBatch,
  type AnalyticsAggregateBatch,
  type AnalyticsBatch,
} from '@apim/contracts';
import type { Logger } from '@apim/service';
import { OtlpAnalyticsExporter } from './analytics-otlp.js';
import type { AnalyticsDelivery, AnalyticsSink } from './analytics-sink.js';
import { PostgresAnalyticsStore } from './analytics-store.js';

/**
 * A job's batch, decoded and checked. A batch of records counts each of them and keeps them all;
 * its id is made from its event ids, so that delivering it again adds nothing, as before.
 */
export function deliveryOf(batch: AnalyticsAggregateBatch | AnalyticsBatch): AnalyticsDelivery {
  if (batch?.format === 3) {
    const { rows, events } = decodeAggregateBatch(batch);
    return {
      batchId: batch.batchId,
      gatewayId: typeof batch.gatewayId === 'string' ? batch.gatewayId : '',
      sampleRate: typeof batch.sampleRate === 'number' ? batch.sampleRate : 1,
      rows,
      events,
    };
  }
  const events = decodeAnalyticsBatch(batch);
  const aggregator = new AnalyticsAggregator();
  for (let i = 0; i < batch.count; i++)
    aggregator.add({
      requestTimeMs: Date.parse(events.requestTimestamp[i]!),
      apiId: events.apiId[i]!,
      apiResourceTemplate: events.apiResourceTemplate[i]!,
      apiMethod: events.apiMethod[i]!,
      applicationId: events.applicationId[i]!,
      keyType: events.keyType[i]!,
      proxyResponseCode: events.proxyResponseCode[i]!,
      errorCode: events.errorCode[i]!,
      responseLatency: events.responseLatency[i]!,
      messagesIn: events.messagesIn[i]!,
      messagesOut: events.messagesOut[i]!,
    });
  return {
    batchId: 'records-' + createHash('sha256').update(events.eventId.join(',')).digest('base64url'),
    gatewayId: events.gatewayId[0] ?? '',
    sampleRate: 1,
    rows: aggregator.take(),
    events,
  };
}

/** Writes one batch to the sinks: the first (the Postgres store) decides whether it is new. */
export async function storeAnalyticsBatch(
  sinks: readonly AnalyticsSink[],
  batch: AnalyticsAggregateBatch | AnalyticsBatch,
): Promise<void> {
  const delivery = deliveryOf(batch);
  if (delivery.rows.length === 0 && delivery.events === null) return;
  const [store, ...others] = sinks;
  if ((await store?.write(delivery)) === false) return;
  for (const sink of others) await sink.write(delivery);
}

export function startAnalyticsWorker(options: {
  sinks: AnalyticsSink[];
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
}): { close(): Promise<void> } {
  const worker = new Worker<AnalyticsAggregateBatch | AnalyticsBatch>(
    ANALYTICS_QUEUE,
    async (job: Job<AnalyticsAggregateBatch | AnalyticsBatch>) => {
      try {
        await storeAnalyticsBatch(options.sinks, job.data);
      } catch (e) {
        // retrying cannot mend a malformed batch: fail it at once (it stays in the failed set)
        throw e instanceof MalformedAnalyticsBatch ? new UnrecoverableError(e.message) : e;
      }
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 2 },
  );
  worker.on('failed', (job, err) =>
    options.log.warn({ jobId: job?.id, err: err.message }, 'analytics batch not stored; will retry'),
  );
  // BullMQ reports connection trouble as 'error' events; without a listener they would crash the process.
  worker.on('error', (err) => options.log.warn({ err }, 'analytics queue error'));
  return {
    async close() {
      await worker.close();
      for (const sink of options.sinks) await sink.close();
    },
  };
}

/** The sinks the configuration asks for: the Postgres store always (the dashboards read it). */
export function analyticsSinks(o: {
  databaseUrl: string;
  otlpEndpoint: string | null;
  log: Logger;
}): AnalyticsSink[] {
  const sinks: AnalyticsSink[] = [new PostgresAnalyticsStore(o.databaseUrl)];
  if (o.otlpEndpoint) sinks.push(new OtlpAnalyticsExporter(o.otlpEndpoint, o.log));
  return sinks;
}

import { Counter, Gauge, type Registry } from 'prom-client';
import { GatewayErrors, sampledIn, type AggregatedRequest } from '@apim/contracts';
import type { Logger } from '@apim/service';
import type { GatewayConfig } from '../../config.js';
import type { ExchangeReport, Reporter } from '../../pipeline/types.js';
import { EventIds } from './event-ids.js';
import { exchangeFields } from '../exchange-fields.js';
import { AnalyticsPublisher, analyticsQueueConnection } from './publisher.js';

/**
 * Analytics of every request, a reporter of the log phase: each request is counted in its
 * gateway-side per-minute rollup row, and kept as WSO2's raw analytics event when it earns its
 * cost (an error, a throttled request, or a success sampled at APIM_ANALYTICS_SAMPLE_RATE). The
 * publisher ships both to the BullMQ queue the control plane merges from; the request never waits.
 */
export class AnalyticsReporter implements Reporter {
  private readonly eventIds = new EventIds();
  private readonly publisher: AnalyticsPublisher;
  private readonly connection;
  /** reused for every request: counting one allocates nothing */
  private readonly counted: AggregatedRequest = {
    requestTimeMs: 0,
    apiId: null,
    apiResourceTemplate: null,
    apiMethod: '',
    applicationId: null,
    keyType: null,
    proxyResponseCode: 0,
    errorCode: null,
    responseLatency: 0,
    messagesIn: null,
    messagesOut: null,
  };
  /** the time requests end at; tests set it to place requests in given minutes */
  clock: () => number = Date.now;

  constructor(
    private readonly config: GatewayConfig,
    registry: Registry,
    logger: Logger,
  ) {
    this.connection = analyticsQueueConnection(config.redis);
    const dropped = new Counter({
      name: 'apim_gateway_analytics_dropped_total',
      help: 'Analytics not kept while the queue could not take them: raw events beyond the buffer, requests beyond the rollup rows kept',
      labelNames: ['kind'],
      registers: [registry],
    });
    const publisher = (this.publisher = new AnalyticsPublisher(this.connection, {
      prefix: config.redisPrefix,
      gatewayId: config.gatewayId,
      sampleRate: config.analytics.sampleRate,
      batchSize: config.analytics.batchSize,
      flushMs: config.analytics.flushMs,
      bufferRecords: config.analytics.bufferRecords,
      maxRows: config.analytics.maxRows,
      logger,
      onDropped: (kind, n) => dropped.inc({ kind }, n),
    }));
    new Gauge({
      name: 'apim_gateway_analytics_buffered',
      aggregator: 'sum',
      help: 'Analytics in memory waiting for the queue, rollup rows and raw events (they pile up while Redis is away)',
      labelNames: ['kind'],
      collect() {
        const { rows, events } = publisher.buffered;
        this.set({ kind: 'rows' }, rows);
        this.set({ kind: 'events' }, events);
      },
      registers: [registry],
    });
  }

  /** Ships what is counted and kept now (tests; the publisher's timer does it otherwise). */
  flush(): Promise<void> {
    return this.publisher.flush();
  }

  onDone(r: ExchangeReport): void {
    const { api, credential: cred, req } = r;
    const errorCode = r.error ? GatewayErrors[r.error].code : null;
    const c = this.counted;
    c.requestTimeMs = this.clock() - r.totalMs;
    c.apiId = api?.id ?? null;
    c.apiResourceTemplate = r.template;
    c.apiMethod = req.method ?? '';
    c.applicationId = cred?.applicationId ?? null;
    c.keyType = cred?.keyType ?? null;
    c.proxyResponseCode = r.status;
    c.errorCode = errorCode;
    c.responseLatency = Math.round(r.totalMs);
    c.messagesIn = r.messages?.in ?? null;
    c.messagesOut = r.messages?.out ?? null;
    this.publisher.count(c);
    if (r.status < 400 && errorCode === null && !sampledIn(r.requestId, this.config.analytics.sampleRate))
      return;
    this.publisher.keep({
      // a request id the gateway made is a fresh UUID; one the client sent may repeat
      eventId: req.headers['x-request-id'] === r.requestId ? this.eventIds.next() : r.requestId,
      requestTimeMs: c.requestTimeMs,
      ...exchangeFields(r, this.config.gatewayId),
    });
  }

  async close(): Promise<void> {
    await this.publisher.close();
    this.connection.disconnect();
  }
}

import { Counter, Gauge, type Registry } from 'prom-client';
import { GatewayErrors } from '@apim/contracts';
import type { Logger } from '@apim/service';
import type { GatewayConfig } from '../../config.js';
import type { ExchangeReport, Reporter } from '../../pipeline/types.js';
import { EventIds } from './event-ids.js';
import { AnalyticsPublisher, analyticsQueueConnection } from './publisher.js';

const round = (ms: number | null) => (ms === null ? null : Math.round(ms));

/**
 * WSO2's analytics event of every request, a reporter of the log phase: handed to the publisher,
 * which batches them to the BullMQ queue the control plane stores from. The request never waits.
 */
export class AnalyticsReporter implements Reporter {
  private readonly eventIds = new EventIds();
  private readonly publisher: AnalyticsPublisher;
  private readonly connection;

  constructor(
    private readonly config: GatewayConfig,
    registry: Registry,
    logger: Logger,
  ) {
    this.connection = analyticsQueueConnection(config.redisUrl);
    const dropped = new Counter({
      name: 'apim_gateway_analytics_dropped_total',
      help: 'Analytics events dropped because the queue could not take them',
      registers: [registry],
    });
    const publisher = (this.publisher = new AnalyticsPublisher(this.connection, {
      prefix: config.redisPrefix,
      batchSize: config.analytics.batchSize,
      flushMs: config.analytics.flushMs,
      bufferRecords: config.analytics.bufferRecords,
      logger,
      onDropped: (n) => dropped.inc(n),
    }));
    new Gauge({
      name: 'apim_gateway_analytics_buffered',
      aggregator: 'sum',
      help: 'Analytics events in memory waiting for the queue (they pile up while Redis is away)',
      collect() {
        this.set(publisher.buffered);
      },
      registers: [registry],
    });
  }

  onDone(r: ExchangeReport): void {
    const { api, credential: cred, req } = r;
    this.publisher.record({
      // a request id the gateway made is a fresh UUID; one the client sent may repeat
      eventId: req.headers['x-request-id'] === r.requestId ? this.eventIds.next() : r.requestId,
      requestTimeMs: Date.now() - r.totalMs,
      correlationId: r.requestId,
      gatewayId: this.config.gatewayId,
      apiId: api?.id ?? null,
      apiName: api?.name ?? null,
      apiVersion: api?.version ?? null,
      apiContext: api?.context ?? null,
      apiResourceTemplate: r.template,
      apiMethod: req.method ?? '',
      applicationId: cred?.applicationId ?? null,
      applicationName: cred?.application?.name ?? null,
      keyType: cred?.keyType ?? null,
      userName: cred?.username ?? null,
      proxyResponseCode: r.status,
      targetResponseCode: r.targetStatus,
      backendLatency: round(r.backendLatencyMs),
      requestMediationLatency: round(r.requestMediationMs),
      responseMediationLatency: round(r.responseMediationMs),
      responseLatency: Math.round(r.totalMs),
      errorCode: r.error ? GatewayErrors[r.error].code : null,
      errorType: r.error,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
      userIp: r.clientIp,
      messagesIn: r.messages?.in ?? null,
      messagesOut: r.messages?.out ?? null,
    });
  }

  async close(): Promise<void> {
    await this.publisher.close();
    this.connection.disconnect();
  }
}

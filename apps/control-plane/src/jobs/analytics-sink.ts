/**
 * Where the control plane's analytics worker writes what the gateways ship: the built-in Postgres
 * store (what the dashboards read) and, when configured, an OpenTelemetry collector. A sink sees
 * each batch once it is decoded and checked; the gateways' hot path is the same whichever sinks
 * are configured.
 */
import type { AggregateRow, AnalyticsColumns } from '@apim/contracts';

/** One gateway batch: its per-minute rollup rows and the raw events it kept. */
export interface AnalyticsDelivery {
  batchId: string;
  gatewayId: string;
  /** share of successful requests among the raw events (errors and throttled ones are all there) */
  sampleRate: number;
  rows: AggregateRow[];
  events: AnalyticsColumns | null;
}

export interface AnalyticsSink {
  readonly name: string;
  /**
   * Writes one batch. The Postgres store answers whether it was new (false: merged already, a
   * second delivery), and the worker hands only new batches to the other sinks; an exporter may
   * return before its export is done (the job does not wait for a remote collector).
   */
  write(batch: AnalyticsDelivery): Promise<boolean | void> | void;
  close(): Promise<void>;
}

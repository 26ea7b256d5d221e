import { GATEWAY_EVENTS_CHANNEL, type GatewayEventPayloads, type GatewayEventType } from '@apim/contracts';
import type pg from 'pg';
import type { TransactionClient } from './client.js';

/** Serialises event writers: ids are taken and committed in the same order, so a reader that
 * reads "after the last id it saw" can never skip an event that commits late. */
const EVENT_LOG_LOCK_ID = 7_320_241_123;

/**
 * Appends an event to the gateway event log inside the caller's transaction, and NOTIFYs
 * gateways (Postgres delivers the notification only when the transaction commits).
 */
export async function appendGatewayEvent<K extends GatewayEventType>(
  tx: TransactionClient,
  type: K,
  payload: GatewayEventPayloads[K],
): Promise<bigint> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_LOG_LOCK_ID}::bigint)`;
  const row = await tx.gatewayEvent.create({
    data: { type, payload: payload as object },
    select: { id: true },
  });
  await tx.$executeRaw`SELECT pg_notify(${GATEWAY_EVENTS_CHANNEL}, ${row.id.toString()})`;
  return row.id;
}

export interface StoredGatewayEvent {
  id: bigint;
  type: GatewayEventType;
  payload: unknown;
  createdAt: Date;
}

/** Events after `afterId`, in order, at most `limit`. */
export async function readGatewayEventsAfter(
  client: pg.Client | pg.Pool,
  afterId: bigint,
  limit = 1000,
): Promise<StoredGatewayEvent[]> {
  const { rows } = await client.query<{
    id: string;
    type: GatewayEventType;
    payload: unknown;
    created_at: Date;
  }>('SELECT id, type, payload, created_at FROM gateway_event WHERE id > $1 ORDER BY id LIMIT $2', [
    afterId.toString(),
    limit,
  ]);
  return rows.map((r) => ({ id: BigInt(r.id), type: r.type, payload: r.payload, createdAt: r.created_at }));
}

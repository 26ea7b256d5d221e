import type { GatewayEventType } from '@apim/contracts';
import type { StoredGatewayEvent } from '@apim/db';
import type pg from 'pg';

export interface EventLogPage {
  /** the log's oldest and newest ids; null when the log is empty */
  oldest: bigint | null;
  newest: bigint | null;
  /**
   * The log no longer holds the event right after the position: the gateway may have missed
   * events and must reload the snapshot (`events` is then empty).
   */
  missed: boolean;
  /** the events after the position, in id order, at most `limit` */
  events: StoredGatewayEvent[];
}

/**
 * Reads the events after `position` together with the log's bounds, in ONE statement: Postgres
 * evaluates a statement against one snapshot, so a prune committing meanwhile is seen either whole
 * or not at all. Two statements (bounds, then events) could see the bounds before a prune and the
 * events after it, and skip the pruned ones.
 *
 * What counts as "missed": retention deletes only a prefix of the log (ids below a bound) and keeps
 * the newest event (apps/control-plane/src/jobs/gateway-event-retention.ts). So events after the
 * position were pruned exactly when the oldest id left is above position + 1, for every position:
 * the snapshot's position is the newest id it saw, or 0 when it saw an empty log, whose next event
 * would be id 1 of the log's sequence. The converse does not hold: a sequence also leaves gaps
 * (ids taken by transactions that rolled back, values cached before a crash), so a log whose oldest
 * id is above position + 1 may have lost nothing. That is the rare case in which this asks for a
 * reload it did not need; it never lets a gateway skip an event.
 */
export async function readEventLogPage(
  client: pg.Client,
  position: bigint,
  limit: number,
): Promise<EventLogPage> {
  const { rows } = await client.query<{
    oldest: string | null;
    newest: string | null;
    id: string | null;
    type: GatewayEventType | null;
    payload: unknown;
    created_at: Date | null;
  }>(
    `SELECT bounds.oldest::text AS oldest, bounds.newest::text AS newest,
            e.id::text AS id, e.type, e.payload, e.created_at
       FROM (SELECT min(id) AS oldest, max(id) AS newest FROM gateway_event) bounds
       LEFT JOIN LATERAL (
         SELECT id, type, payload, created_at FROM gateway_event
          WHERE id > $1::bigint AND bounds.oldest <= $1::bigint + 1
          ORDER BY id LIMIT $2
       ) e ON true
      ORDER BY e.id`,
    [position.toString(), limit],
  );
  const first = rows[0];
  const oldest = first?.oldest == null ? null : BigInt(first.oldest);
  const newest = first?.newest == null ? null : BigInt(first.newest);
  // without events, the one row carries the bounds alone (its event columns are null)
  const events = rows.flatMap(({ id, type, payload, created_at }) =>
    id === null || type === null || created_at === null
      ? []
      : [{ id: BigInt(id), type, payload, createdAt: created_at }],
  );
  return { oldest, newest, missed: oldest !== null && oldest > position + 1n, events };
}

/**
 * GET /audit-logs of the admin API: the trail the audit triggers write (see change-context.ts),
 * newest first, filtered by actor, entity and period. Admins only: entries show every change,
 * including to users and key managers.
 */
import { Scopes } from '@apim/contracts';
import type { Prisma } from '@apim/db';
import type { Admin, Complete } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';

interface AuditQuery extends Paging {
  actor?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

interface Details {
  operation?: 'INSERT' | 'UPDATE' | 'DELETE';
  method?: string | null;
  path?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

function dto(row: Prisma.AuditLogGetPayload<object>): Complete<Admin.AuditLogEntry> {
  const d = (row.details ?? {}) as Details;
  return {
    id: row.id.toString(),
    time: row.at.toISOString(),
    actorId: row.actorId,
    actor: row.actorName,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    operation: d.operation ?? 'UPDATE',
    method: d.method ?? null,
    path: d.path ?? null,
    sourceIp: row.sourceIp,
    before: d.before ?? null,
    after: d.after ?? null,
  };
}

export function auditLogOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  return [
    operation<unknown, AuditQuery>({
      method: 'get',
      path: '/audit-logs',
      operationId: 'getAuditLogs',
      summary: 'Changes made by admins, publishers and developers, newest first',
      tag: 'Audit Log',
      access: [Scopes.admin],
      query: {
        properties: {
          ...pagingQuery,
          actor: { type: 'string', maxLength: 255, description: 'user name, exactly' },
          entityType: { type: 'string', maxLength: 64, description: 'e.g. api, subscription' },
          entityId: { type: 'string', maxLength: 255 },
          from: { type: 'string', format: 'date-time', description: 'entries at or after' },
          to: { type: 'string', format: 'date-time', description: 'entries before' },
        },
      },
      responses: { 200: { description: 'Audit log entries', schema: ref('AuditLogList') } },
      async handle({ query }) {
        const from = query.from ? new Date(query.from) : undefined;
        const to = query.to ? new Date(query.to) : undefined;
        if (from && to && from >= to) throw new HttpError(400, "Query parameter 'from' must be before 'to'");
        const where: Prisma.AuditLogWhereInput = {
          ...(query.actor ? { actorName: query.actor } : {}),
          ...(query.entityType ? { entityType: query.entityType } : {}),
          ...(query.entityId ? { entityId: query.entityId } : {}),
          ...(from || to ? { at: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
        };
        const [total, rows] = await Promise.all([
          prisma.auditLog.count({ where }),
          prisma.auditLog.findMany({ where, orderBy: { id: 'desc' }, skip: query.offset, take: query.limit }),
        ]);
        const filters = Object.fromEntries(
          (['actor', 'entityType', 'entityId', 'from', 'to'] as const).flatMap((k) =>
            query[k] ? [[k, query[k]!]] : [],
          ),
        );
        return { status: 200, body: page('/audit-logs', rows.map(dto), total, query, filters) };
      },
    }),
  ];
}

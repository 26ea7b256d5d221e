import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export { PrismaClient };
export type { Prisma } from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';

/**
 * Who the changes the product makes by itself are by, as the audit log names them: an app's own
 * writes (sign-in counters, sign-up), a workflow decision applied without its admin's context,
 * the seed.
 */
export const SystemActors = {
  controlPlane: 'system:control-plane',
  keyManager: 'system:key-manager',
  workflow: 'system:workflow',
  seed: 'system:seed',
} as const;
export type SystemActor = (typeof SystemActors)[keyof typeof SystemActors];

/**
 * A Prisma client on the pg driver adapter (no query engine binary: works offline).
 *
 * `auditActor` names who the changes made on its connections are by when no REST change context
 * says who (apps/control-plane/src/audit): the audit triggers record them as that actor. It is a
 * session setting each connection gets at its start (`-c apim.audit_actor=...` in the startup
 * packet), rather than something each write or transaction sets, so no write of a job, a sign-in
 * or a sign-up can miss it, and it costs no round trip.
 */
export function createPrismaClient(
  databaseUrl: string,
  options: { poolSize?: number; auditActor?: SystemActor } = {},
): PrismaClient {
  const { auditActor } = options;
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    ...(auditActor ? { options: `-c apim.audit_actor=${auditActor}` } : {}),
  });
  return new PrismaClient({ adapter });
}

/** The client handed to `$transaction(async (tx) => ...)`. */
export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Who makes the changes of one transaction, for the audit triggers (migration audit_row_changes):
 * a user through a REST operation, or an app acting for someone (a sign-up, a workflow decision).
 */
export interface AuditContext {
  /** the user's id; absent for a caller that is not a user */
  actorId?: string;
  /** the user's name, or system:<app> */
  actorName?: string;
  /** what was done: the REST operation (operationId, e.g. updateAPI) or the app's, e.g. signUp */
  action: string;
  method?: string;
  path?: string;
  ip?: string;
}

/** Sets the transaction's audit context (transaction-local: it ends with the transaction). */
export function setAuditContext(tx: TransactionClient | PrismaClient, context: AuditContext) {
  return tx.$queryRaw`SELECT set_config('apim.audit', ${JSON.stringify(context)}, true)`;
}

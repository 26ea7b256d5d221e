/** The audit trail: written by the database with each change, read by admins. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { auditLogOperations } from './audit-log.js';

export { auditedPrisma } from './audited-prisma.js';
export { auditRetentionJob } from './retention.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return auditLogOperations(ctx);
}

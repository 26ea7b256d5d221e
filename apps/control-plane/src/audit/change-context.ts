/**
 * Who is making the change the current REST request makes, carried to the database with the
 * change. The audit entries themselves are written by row triggers (migration audit_row_changes)
 * in the change's own transaction; they read this context from the transaction-local setting
 * `apim.audit`, which auditedPrisma sets at the start of every transaction begun while a change
 * runs. So no route has to remember to audit, and an entry exists exactly when its change does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditContext } from '@apim/db';

/** The REST operation (operationId as action), its method and path, and its caller. */
export type ChangeContext = AuditContext & { method: string; path: string };

const store = new AsyncLocalStorage<ChangeContext>();

/** Runs `fn` (a REST operation that changes things) with its change context. */
export function runAsChange<T>(context: ChangeContext, fn: () => Promise<T>): Promise<T> {
  return store.run(context, fn);
}

export function currentChange(): ChangeContext | undefined {
  return store.getStore();
}

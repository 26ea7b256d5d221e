/** Approval workflows: the admin's decisions, applied by the workflow job (queue.ts). */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { workflowOperations } from './workflows.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return workflowOperations(ctx);
}

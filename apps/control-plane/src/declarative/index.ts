/** Declarative exposure: manifests applied, diffed, deleted and exported by the reconcile core. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { manifestOperations } from './manifest-operations.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return manifestOperations(ctx);
}

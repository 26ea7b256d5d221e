/** Gateway environments. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { environmentOperations } from './environments.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return environmentOperations(ctx);
}

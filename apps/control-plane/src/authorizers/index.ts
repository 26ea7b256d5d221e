/** External authorizers: the admin's Envoy ext_authz services, which rules with the extAuth strategy name. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { authorizerOperations } from './admin-operations.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return authorizerOperations(ctx);
}

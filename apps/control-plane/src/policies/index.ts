/** Throttling policies (and the tiers the developer portal offers from them) and deny policies. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { denyPolicyOperations } from './deny-policies.js';
import { tierOperations } from './tier-operations.js';
import { policyOperations } from './throttling-policies.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return [...policyOperations(ctx), ...denyPolicyOperations(ctx)];
}

export function devportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return tierOperations(ctx);
}

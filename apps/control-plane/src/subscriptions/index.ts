/** Subscriptions of applications to APIs: the publisher blocks and unblocks them, the developer portal makes them. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { subscriptionOperations } from './devportal-operations.js';
import { publisherSubscriptionOperations } from './publisher-operations.js';

export function publisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return publisherSubscriptionOperations(ctx);
}

export function devportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return subscriptionOperations(ctx);
}

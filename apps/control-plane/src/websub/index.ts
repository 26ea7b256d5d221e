/** WebSub APIs' hub: subscriptions verified at their callbacks, signed deliveries retried through BullMQ. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { websubPublisherOperations } from './publisher-operations.js';

export { startWebsubHub, type WebsubHub } from './hub.js';

export function publisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return websubPublisherOperations(ctx);
}

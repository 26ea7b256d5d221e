/** Key managers: the admin's external ones and their settings, and the lists the publisher and developer portal offer. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { keyManagerOperations } from './admin-operations.js';
import { keyManagerListOperations } from './devportal-list.js';
import { publisherKeyManagerOperations } from './publisher-list.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return keyManagerOperations(ctx);
}

export function publisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return publisherKeyManagerOperations(ctx);
}

export function devportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return keyManagerListOperations(ctx);
}

/** Traffic analytics, each audience seeing its own share. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { analyticsOperations } from './operations.js';

export function publisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return analyticsOperations(ctx, 'publisher');
}

export function devportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return analyticsOperations(ctx, 'devportal');
}

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return analyticsOperations(ctx, 'admin');
}

/** Every kind a manifest can make, in the order an apply creates them (deletes go in reverse). */
import type { TargetKind } from '../desired.js';
import { apiKind } from './api.js';
import type { KindHandler } from './kind.js';

export const KIND_ORDER: readonly TargetKind[] = [
  'Environment',
  'KeyManager',
  'ThrottlingPolicy',
  'API',
  'Application',
  'Subscription',
];

const HANDLERS: { [K in TargetKind]?: KindHandler<K> } = { API: apiKind };

export function handlerOf<K extends TargetKind>(kind: K): KindHandler<K> {
  const handler = HANDLERS[kind];
  if (!handler) throw new Error(`No reconcile functions for the kind ${kind}`);
  return handler as KindHandler<K>;
}

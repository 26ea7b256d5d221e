/** Every kind a manifest can make, in the order an apply creates them (deletes go in reverse). */
import type { TargetKind } from '@apim/manifests';
import { apiKind } from './api.js';
import { applicationKind } from './application.js';
import { environmentKind } from './environment.js';
import { keyManagerKind } from './key-manager.js';
import { subscriptionKind } from './subscription.js';
import { throttlingPolicyKind } from './throttling-policy.js';
import type { KindHandler } from './kind.js';

export const KIND_ORDER: readonly TargetKind[] = [
  'Environment',
  'KeyManager',
  'ThrottlingPolicy',
  'API',
  'Application',
  'Subscription',
];

const HANDLERS: { [K in TargetKind]: KindHandler<K> } = {
  Environment: environmentKind,
  KeyManager: keyManagerKind,
  ThrottlingPolicy: throttlingPolicyKind,
  API: apiKind,
  Application: applicationKind,
  Subscription: subscriptionKind,
};

export function handlerOf<K extends TargetKind>(kind: K): KindHandler<K> {
  return HANDLERS[kind] as KindHandler<K>;
}

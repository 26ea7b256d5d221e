/** WSO2's default API lifecycle: states, the actions between them, and their effects. */
import type { LifecycleStatus } from '@apim/contracts';
import type { TransactionClient } from '@apim/db';
import type { Complete, Publisher } from '@apim/rest-contract';
import { gatewayWrites } from '../model/gateway-writes.js';

export type LifecycleAction =
  'Publish' | 'Deploy as a Prototype' | 'Demote to Created' | 'Block' | 'Deprecate' | 'Re-Publish' | 'Retire';

/** state -> action -> next state (WSO2's APILifeCycle.xml). */
export const TRANSITIONS: Record<LifecycleStatus, Partial<Record<LifecycleAction, LifecycleStatus>>> = {
  CREATED: { Publish: 'PUBLISHED', 'Deploy as a Prototype': 'PROTOTYPED' },
  PROTOTYPED: { Publish: 'PUBLISHED', 'Demote to Created': 'CREATED', 'Deploy as a Prototype': 'PROTOTYPED' },
  PUBLISHED: {
    Block: 'BLOCKED',
    'Deploy as a Prototype': 'PROTOTYPED',
    'Demote to Created': 'CREATED',
    Deprecate: 'DEPRECATED',
    Publish: 'PUBLISHED',
  },
  BLOCKED: { Deprecate: 'DEPRECATED', 'Re-Publish': 'PUBLISHED' },
  DEPRECATED: { Retire: 'RETIRED' },
  RETIRED: {},
};

export function lifecycleState(state: LifecycleStatus): Complete<Publisher.LifecycleState> {
  return {
    state,
    availableTransitions: Object.entries(TRANSITIONS[state]).map(([event, targetState]) => ({
      event,
      targetState,
    })),
  };
}

/**
 * Applies a lifecycle change inside the caller's transaction and tells gateways: the new status;
 * a retired API is also undeployed everywhere and its subscriptions end.
 */
export async function applyLifecycle(
  tx: TransactionClient,
  apiId: string,
  to: LifecycleStatus,
): Promise<void> {
  await gatewayWrites.api.setStatus(tx, apiId, to);
  if (to !== 'RETIRED') return;
  const deployments = await tx.revisionDeployment.findMany({
    where: { apiId },
    include: { environment: true },
  });
  for (const d of deployments)
    await gatewayWrites.api.undeploy(tx, { id: d.id, apiId, environment: d.environment.name });
  const subscriptions = await tx.subscription.findMany({ where: { apiId } });
  for (const s of subscriptions) await gatewayWrites.subscription.delete(tx, s);
}

/** Whether some sequence of actions leads from one state to the other (a manifest names the state only). */
export function canReach(from: LifecycleStatus, to: LifecycleStatus): boolean {
  const seen = new Set<LifecycleStatus>([from]);
  const queue = [from];
  for (let state = queue.shift(); state; state = queue.shift()) {
    if (state === to) return true;
    for (const next of Object.values(TRANSITIONS[state]))
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
  }
  return false;
}

/** WSO2's default API lifecycle: states, the actions between them, and their effects. */
import type { LifecycleStatus } from '@apim/contracts';
import { appendGatewayEvent, type TransactionClient } from '@apim/db';
import { gatewaySubscription } from '@apim/gateway-model';
import type { Complete, Publisher } from '@apim/rest-contract';

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
  await tx.api.update({ where: { id: apiId }, data: { lifecycleStatus: to } });
  await appendGatewayEvent(tx, 'API_STATUS_CHANGED', { apiId, lifecycleStatus: to });
  if (to !== 'RETIRED') return;
  const deployments = await tx.revisionDeployment.findMany({
    where: { apiId },
    include: { environment: true },
  });
  for (const d of deployments) {
    await tx.revisionDeployment.delete({ where: { id: d.id } });
    await appendGatewayEvent(tx, 'API_UNDEPLOYED', { apiId, environment: d.environment.name });
  }
  const subscriptions = await tx.subscription.findMany({ where: { apiId } });
  for (const s of subscriptions) {
    await tx.subscription.delete({ where: { id: s.id } });
    const { id, applicationId } = gatewaySubscription(s);
    await appendGatewayEvent(tx, 'SUBSCRIPTION_DELETED', { subscriptionId: id, applicationId, apiId });
  }
}

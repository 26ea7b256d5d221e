/**
 * Subscribing, changing a subscription's tier and unsubscribing, inside a caller's transaction,
 * with the approval workflows that may hold them (the developer portal's operations and the
 * reconcile core both use them).
 */
import type { Prisma, TransactionClient } from '@apim/db';
import type { Principal } from '../http/auth.js';
import { badRequest, conflict, conflictOnDuplicate } from '../http/errors.js';
import { needsApproval } from '../workflows/queue.js';
import { gatewayWrites } from '../model/gateway-writes.js';

export const SUBSCRIPTION_INCLUDE = {
  api: { include: { provider: { select: { username: true } } } },
} as const;

type Subscriber = Pick<Principal, 'userId' | 'username'>;
type SubscribedApi = {
  id: string;
  name: string;
  version: string;
  lifecycleStatus: string;
  subscriptionPolicies: string[];
};

function checkTier(api: SubscribedApi, tier: string) {
  if (!api.subscriptionPolicies.includes(tier))
    throw badRequest(`'${tier}' is not one of the API's tiers: ${api.subscriptionPolicies.join(', ')}`);
}

/** Subscribes an approved application to a published API on one of its tiers (ON_HOLD while approval is pending). */
export async function subscribeIn(
  tx: TransactionClient,
  subscriber: Subscriber,
  app: { id: string; name: string; status: string },
  api: SubscribedApi,
  tier: string,
) {
  if (app.status !== 'APPROVED')
    throw conflict(`The application is ${app.status}: it can subscribe once it is approved`);
  if (api.lifecycleStatus !== 'PUBLISHED')
    throw badRequest(`The API is ${api.lifecycleStatus}: only PUBLISHED APIs take new subscriptions`);
  checkTier(api, tier);
  const pending = await needsApproval(tx, 'SUBSCRIPTION_CREATION');
  const s = await gatewayWrites.subscription
    .create(tx, {
      data: {
        applicationId: app.id,
        apiId: api.id,
        throttlingPolicy: tier,
        status: pending ? 'ON_HOLD' : 'UNBLOCKED',
      },
      include: SUBSCRIPTION_INCLUDE,
    })
    .catch(conflictOnDuplicate('The application is already subscribed to this API'));
  if (pending)
    await tx.workflow.create({
      data: {
        type: 'SUBSCRIPTION_CREATION',
        referenceId: s.id,
        createdById: subscriber.userId,
        properties: {
          applicationName: app.name,
          apiName: api.name,
          apiVersion: api.version,
          throttlingPolicy: s.throttlingPolicy,
          subscriber: subscriber.username,
        },
      },
    });
  return s;
}

/** Moves an active subscription to another of the API's tiers, or asks for it when approval is needed. */
export async function changeTierIn(
  tx: TransactionClient,
  subscriber: Subscriber,
  current: Prisma.SubscriptionGetPayload<{ include: typeof SUBSCRIPTION_INCLUDE }>,
  tier: string,
) {
  checkTier(current.api, tier);
  if (current.status !== 'UNBLOCKED')
    throw conflict(`The subscription is ${current.status}: its tier cannot be changed now`);
  if (await needsApproval(tx, 'SUBSCRIPTION_UPDATE')) {
    await tx.workflow.create({
      data: {
        type: 'SUBSCRIPTION_UPDATE',
        referenceId: current.id,
        createdById: subscriber.userId,
        properties: { throttlingPolicy: tier, previousThrottlingPolicy: current.throttlingPolicy },
      },
    });
    return gatewayWrites.subscription.requestTier(tx, {
      where: { id: current.id },
      data: { requestedThrottlingPolicy: tier },
      include: SUBSCRIPTION_INCLUDE,
    });
  }
  return gatewayWrites.subscription.update(tx, {
    where: { id: current.id },
    data: { throttlingPolicy: tier },
    include: SUBSCRIPTION_INCLUDE,
  });
}

export async function unsubscribeIn(tx: TransactionClient, s: Prisma.SubscriptionGetPayload<object>) {
  await gatewayWrites.subscription.delete(tx, s);
  await tx.workflow.updateMany({
    where: { referenceId: s.id, status: 'CREATED' },
    data: { status: 'REJECTED', comment: 'unsubscribed' },
  });
}

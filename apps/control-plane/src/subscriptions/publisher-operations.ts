/** The publisher's view of subscriptions to its APIs: list them, block and unblock them. */
import { Scopes } from '@apim/contracts';
import { uuid } from '@apim/rest-contract';
import { type Prisma } from '@apim/db';
import type { AppContext } from '../context.js';
import { conflict, notFound } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, type OperationSpec } from '../http/rest-api.js';
import { gatewayWrites } from '../model/gateway-writes.js';

const INCLUDE = { application: { include: { owner: { select: { username: true } } } } } as const;

function dto(s: Prisma.SubscriptionGetPayload<{ include: typeof INCLUDE }>) {
  return {
    subscriptionId: s.id,
    apiId: s.apiId,
    applicationInfo: {
      applicationId: s.applicationId,
      name: s.application.name,
      subscriber: s.application.owner.username,
      throttlingPolicy: s.application.throttlingPolicy,
    },
    throttlingPolicy: s.throttlingPolicy,
    requestedThrottlingPolicy: s.requestedThrottlingPolicy,
    subscriptionStatus: s.status,
  };
}

export function publisherSubscriptionOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const block = [Scopes.apiPublish, Scopes.admin];

  async function setStatus(subscriptionId: string, status: 'BLOCKED' | 'PROD_ONLY_BLOCKED' | 'UNBLOCKED') {
    await prisma.$transaction(async (tx) => {
      const s = await tx.subscription.findUnique({ where: { id: subscriptionId } });
      if (!s) throw notFound('Subscription');
      if (s.status === 'ON_HOLD' || s.status === 'REJECTED')
        throw conflict(`The subscription is ${s.status}: decide its workflow instead`);
      await gatewayWrites.subscription.update(tx, { where: { id: s.id }, data: { status } });
    });
  }

  return [
    operation<unknown, Paging & { apiId?: string }>({
      method: 'get',
      path: '/subscriptions',
      operationId: 'getSubscriptions',
      summary: 'Subscriptions to an API (or to every API)',
      tag: 'Subscriptions',
      access: [Scopes.apiView, Scopes.apiPublish],
      query: { properties: { ...pagingQuery, apiId: uuid } },
      responses: { 200: { description: 'Subscriptions', schema: { type: 'object' } } },
      async handle({ query }) {
        const where = query.apiId ? { apiId: query.apiId } : {};
        const [total, rows] = await Promise.all([
          prisma.subscription.count({ where }),
          prisma.subscription.findMany({
            where,
            include: INCLUDE,
            orderBy: { createdAt: 'asc' },
            skip: query.offset,
            take: query.limit,
          }),
        ]);
        return {
          status: 200,
          body: page(
            '/subscriptions',
            rows.map(dto),
            total,
            query,
            query.apiId ? { apiId: query.apiId } : {},
          ),
        };
      },
    }),
    operation<unknown, { subscriptionId: string; blockState: 'BLOCKED' | 'PROD_ONLY_BLOCKED' }>({
      method: 'post',
      path: '/subscriptions/block-subscription',
      operationId: 'blockSubscription',
      summary: 'Block a subscription (all traffic, or production traffic only)',
      tag: 'Subscriptions',
      access: block,
      query: {
        properties: { subscriptionId: uuid, blockState: { enum: ['BLOCKED', 'PROD_ONLY_BLOCKED'] } },
        required: ['subscriptionId', 'blockState'],
      },
      responses: { 200: { description: 'Blocked' } },
      async handle({ query }) {
        await setStatus(query.subscriptionId, query.blockState);
        return { status: 200 };
      },
    }),
    operation<unknown, { subscriptionId: string }>({
      method: 'post',
      path: '/subscriptions/unblock-subscription',
      operationId: 'unBlockSubscription',
      summary: 'Unblock a subscription',
      tag: 'Subscriptions',
      access: block,
      query: { properties: { subscriptionId: uuid }, required: ['subscriptionId'] },
      responses: { 200: { description: 'Unblocked' } },
      async handle({ query }) {
        await setStatus(query.subscriptionId, 'UNBLOCKED');
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** Subscriptions: an application x an API x one of the API's tiers. */
import { Scopes } from '@apim/contracts';
import { type Prisma } from '@apim/db';
import type { Complete, Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { isAdmin, type Principal } from '../http/auth.js';
import { badRequest, notFound } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import { ownedApplication } from '../applications/access.js';
import { catalogInfo, visibleApi } from '../catalog/catalog.js';
import { changeTierIn, subscribeIn, SUBSCRIPTION_INCLUDE, unsubscribeIn } from './subscriptions.js';

type SubscriptionRow = Prisma.SubscriptionGetPayload<{ include: typeof SUBSCRIPTION_INCLUDE }>;

function dto(s: SubscriptionRow): Complete<Devportal.Subscription> {
  return {
    subscriptionId: s.id,
    applicationId: s.applicationId,
    apiId: s.apiId,
    apiInfo: catalogInfo(s.api),
    throttlingPolicy: s.throttlingPolicy,
    requestedThrottlingPolicy: s.requestedThrottlingPolicy,
    status: s.status,
  };
}

export function subscriptionOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const access = [Scopes.subscribe, Scopes.subManage];

  async function ownedSubscription(principal: Principal, subscriptionId: string) {
    const s = await prisma.subscription.findUnique({
      where: { id: subscriptionId },
      include: { ...SUBSCRIPTION_INCLUDE, application: true },
    });
    if (!s || (s.application.ownerId !== principal.userId && !isAdmin(principal)))
      throw notFound('Subscription');
    return s;
  }

  return [
    operation<unknown, Paging & { applicationId?: string; apiId?: string }>({
      method: 'get',
      path: '/subscriptions',
      operationId: 'subscriptionsGet',
      summary: 'Your subscriptions, of one application or to one API',
      tag: 'Subscriptions',
      access,
      query: {
        properties: {
          ...pagingQuery,
          applicationId: { type: 'string', format: 'uuid' },
          apiId: { type: 'string', format: 'uuid' },
        },
      },
      responses: { 200: { description: 'Subscriptions', schema: ref('SubscriptionList') } },
      async handle(req) {
        const { query } = req;
        const principal = callerOf(req);
        if (query.applicationId) await ownedApplication(prisma, principal, query.applicationId);
        const where: Prisma.SubscriptionWhereInput = {
          ...(query.applicationId ? { applicationId: query.applicationId } : {}),
          ...(query.apiId ? { apiId: query.apiId } : {}),
          ...(isAdmin(principal) ? {} : { application: { ownerId: principal.userId } }),
        };
        const [total, rows] = await Promise.all([
          prisma.subscription.count({ where }),
          prisma.subscription.findMany({
            where,
            include: SUBSCRIPTION_INCLUDE,
            orderBy: { createdAt: 'asc' },
            skip: query.offset,
            take: query.limit,
          }),
        ]);
        const extra = Object.fromEntries(
          Object.entries({ applicationId: query.applicationId, apiId: query.apiId }).filter(([, v]) => v),
        ) as Record<string, string>;
        return { status: 200, body: page('/subscriptions', rows.map(dto), total, query, extra) };
      },
    }),
    operation<Devportal.Subscription>({
      method: 'post',
      path: '/subscriptions',
      operationId: 'subscriptionsPost',
      summary: 'Subscribe an application to an API on one of its tiers',
      tag: 'Subscriptions',
      access,
      body: ref('Subscription'),
      responses: {
        201: {
          description: 'Created (status ON_HOLD while waiting for approval)',
          schema: ref('Subscription'),
        },
      },
      async handle(req) {
        const { body } = req;
        const principal = callerOf(req);
        const app = await ownedApplication(prisma, principal, body.applicationId);
        const api = await visibleApi(prisma, principal, body.apiId);
        const created = await prisma.$transaction((tx) =>
          subscribeIn(tx, principal, app, api, body.throttlingPolicy),
        );
        return {
          status: 201,
          body: dto(created),
          headers: { location: `/api/am/devportal/v3/subscriptions/${created.id}` },
        };
      },
    }),
    operation({
      method: 'get',
      path: '/subscriptions/{subscriptionId}',
      operationId: 'subscriptionsSubscriptionIdGet',
      summary: 'One subscription',
      tag: 'Subscriptions',
      access,
      params: { subscriptionId: { type: 'string', format: 'uuid' } },
      responses: { 200: { description: 'The subscription', schema: ref('Subscription') } },
      async handle(req) {
        return {
          status: 200,
          body: dto(await ownedSubscription(callerOf(req), req.params.subscriptionId!)),
        };
      },
    }),
    operation<Devportal.Subscription>({
      method: 'put',
      path: '/subscriptions/{subscriptionId}',
      operationId: 'subscriptionsSubscriptionIdPut',
      summary: "Change a subscription's tier (approval may be needed)",
      tag: 'Subscriptions',
      access,
      params: { subscriptionId: { type: 'string', format: 'uuid' } },
      body: ref('Subscription'),
      responses: { 200: { description: 'The subscription', schema: ref('Subscription') } },
      async handle(req) {
        const { body } = req;
        const principal = callerOf(req);
        const current = await ownedSubscription(principal, req.params.subscriptionId!);
        if (body.applicationId !== current.applicationId || body.apiId !== current.apiId)
          throw badRequest('The application and API of a subscription cannot be changed');
        const updated = await prisma.$transaction((tx) =>
          changeTierIn(tx, principal, current, body.throttlingPolicy),
        );
        return { status: 200, body: dto(updated) };
      },
    }),
    operation({
      method: 'delete',
      path: '/subscriptions/{subscriptionId}',
      operationId: 'subscriptionsSubscriptionIdDelete',
      summary: 'Unsubscribe',
      tag: 'Subscriptions',
      access,
      params: { subscriptionId: { type: 'string', format: 'uuid' } },
      responses: { 200: { description: 'Removed' } },
      async handle(req) {
        const s = await ownedSubscription(callerOf(req), req.params.subscriptionId!);
        await prisma.$transaction((tx) => unsubscribeIn(tx, s));
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** Subscriptions: an application x an API x one of the API's tiers. */
import { Scopes } from '@apim/contracts';
import { type Prisma } from '@apim/db';
import type { Complete, Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { isAdmin, type Principal } from '../http/auth.js';
import { badRequest, conflict, conflictOnDuplicate, notFound } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import { needsApproval } from '../workflows/queue.js';
import { ownedApplication } from '../applications/access.js';
import { catalogInfo, visibleApi } from '../catalog/catalog.js';
import { gatewayWrites } from '../model/gateway-writes.js';

const INCLUDE = { api: { include: { provider: { select: { username: true } } } } } as const;
type SubscriptionRow = Prisma.SubscriptionGetPayload<{ include: typeof INCLUDE }>;

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
      include: { ...INCLUDE, application: true },
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
            include: INCLUDE,
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
        if (app.status !== 'APPROVED')
          throw conflict(`The application is ${app.status}: it can subscribe once it is approved`);
        const api = await visibleApi(prisma, principal, body.apiId);
        if (api.lifecycleStatus !== 'PUBLISHED')
          throw badRequest(`The API is ${api.lifecycleStatus}: only PUBLISHED APIs take new subscriptions`);
        if (!api.subscriptionPolicies.includes(body.throttlingPolicy))
          throw badRequest(
            `'${body.throttlingPolicy}' is not one of the API's tiers: ${api.subscriptionPolicies.join(', ')}`,
          );
        const created = await prisma
          .$transaction(async (tx) => {
            const pending = await needsApproval(tx, 'SUBSCRIPTION_CREATION');
            const s = await gatewayWrites.subscription.create(tx, {
              data: {
                applicationId: app.id,
                apiId: api.id,
                throttlingPolicy: body.throttlingPolicy,
                status: pending ? 'ON_HOLD' : 'UNBLOCKED',
              },
              include: INCLUDE,
            });
            if (pending)
              await tx.workflow.create({
                data: {
                  type: 'SUBSCRIPTION_CREATION',
                  referenceId: s.id,
                  createdById: principal.userId,
                  properties: {
                    applicationName: app.name,
                    apiName: api.name,
                    apiVersion: api.version,
                    throttlingPolicy: s.throttlingPolicy,
                    subscriber: principal.username,
                  },
                },
              });
            return s;
          })
          .catch(conflictOnDuplicate('The application is already subscribed to this API'));
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
        if (!current.api.subscriptionPolicies.includes(body.throttlingPolicy))
          throw badRequest(
            `'${body.throttlingPolicy}' is not one of the API's tiers: ${current.api.subscriptionPolicies.join(', ')}`,
          );
        if (current.status !== 'UNBLOCKED')
          throw conflict(`The subscription is ${current.status}: its tier cannot be changed now`);
        const updated = await prisma.$transaction(async (tx) => {
          const pending = await needsApproval(tx, 'SUBSCRIPTION_UPDATE');
          if (pending) {
            await tx.workflow.create({
              data: {
                type: 'SUBSCRIPTION_UPDATE',
                referenceId: current.id,
                createdById: principal.userId,
                properties: {
                  throttlingPolicy: body.throttlingPolicy,
                  previousThrottlingPolicy: current.throttlingPolicy,
                },
              },
            });
            return gatewayWrites.subscription.requestTier(tx, {
              where: { id: current.id },
              data: { requestedThrottlingPolicy: body.throttlingPolicy },
              include: INCLUDE,
            });
          }
          return gatewayWrites.subscription.update(tx, {
            where: { id: current.id },
            data: { throttlingPolicy: body.throttlingPolicy },
            include: INCLUDE,
          });
        });
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
        await prisma.$transaction(async (tx) => {
          await gatewayWrites.subscription.delete(tx, s);
          await tx.workflow.updateMany({
            where: { referenceId: s.id, status: 'CREATED' },
            data: { status: 'REJECTED', comment: 'unsubscribed' },
          });
        });
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

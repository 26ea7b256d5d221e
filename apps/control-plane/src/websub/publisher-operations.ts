/** The publisher's view of a WebSub API's hub: its subscribers and their delivery analytics. */
import type { AppContext } from '../context.js';
import { operation, type OperationSpec } from '../http/rest-api.js';
import { apiIdParam, view } from '../apis/access.js';
import { loadApi } from '../apis/apis.js';

const count = { type: 'integer', minimum: 0 } as const;
const nullableString = { type: ['string', 'null'] } as const;

const subscriberList = {
  type: 'object',
  required: ['count', 'list'],
  properties: {
    count: count,
    list: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          applicationId: { type: 'string' },
          applicationName: { type: 'string' },
          topic: { type: 'string' },
          callback: { type: 'string' },
          leaseExpiresAt: { type: 'string', format: 'date-time' },
          deliveredCount: count,
          failedCount: count,
          droppedCount: count,
          lastDeliveryAt: nullableString,
          lastError: nullableString,
        },
      },
    },
  },
} as const;

export function websubPublisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;
  return [
    operation({
      method: 'get',
      path: '/apis/{apiId}/websub-subscriptions',
      operationId: 'getWebSubSubscriptions',
      summary:
        "A WebSub API's subscribers (application, topic, callback, lease) with their deliveries: delivered, failed attempts, dropped, the last error",
      tag: 'APIs',
      access: view,
      params: apiIdParam,
      responses: { 200: { description: 'The subscribers', schema: subscriberList } },
      async handle({ params }) {
        const api = await loadApi(prisma, params.apiId!);
        const rows = await prisma.websubSubscription.findMany({
          where: { apiId: api.id },
          include: { application: { select: { name: true } } },
          orderBy: [{ topic: 'asc' }, { createdAt: 'asc' }],
        });
        const list = rows.map(
          ({ secret: _secret, application, apiId: _apiId, createdAt: _c, updatedAt: _u, ...r }) => ({
            ...r,
            applicationName: application.name,
            leaseExpiresAt: r.leaseExpiresAt.toISOString(),
            lastDeliveryAt: r.lastDeliveryAt?.toISOString() ?? null,
          }),
        );
        return { status: 200, body: { count: list.length, list } };
      },
    }),
  ] as OperationSpec<never, never>[];
}

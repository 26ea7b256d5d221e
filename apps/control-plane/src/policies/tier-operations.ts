/** The tiers (application and subscription throttling policies) the developer portal offers. */
import type { AppContext } from '../context.js';
import { operation, type OperationSpec } from '../http/rest-api.js';

export function tierOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;

  return [
    operation<unknown, { policyLevel: string }>({
      method: 'get',
      path: '/throttling-policies/{policyLevel}',
      operationId: 'throttlingPoliciesPolicyLevelGet',
      summary: 'Tiers an application or a subscription may use',
      tag: 'Throttling Policies',
      access: 'public',
      params: { policyLevel: { enum: ['application', 'subscription'] } },
      responses: { 200: { description: 'Tiers', schema: { type: 'object' } } },
      async handle({ params }) {
        const level = params.policyLevel === 'application' ? 'APPLICATION' : 'SUBSCRIPTION';
        const rows = await prisma.throttlingPolicy.findMany({
          where: { type: level },
          orderBy: { name: 'asc' },
        });
        const list = rows.map((t) => ({
          name: t.name,
          description: t.description ?? '',
          policyLevel: params.policyLevel,
          requestCount: t.requestCount,
          unitTime: t.unitTime,
          timeUnit: t.timeUnit,
          tierPlan: t.billingPlan,
        }));
        return { status: 200, body: { count: list.length, list } };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/**
 * GET .../analytics/summary in each REST API: the admin sees all traffic, a publisher the traffic
 * of the APIs they created, a subscriber the traffic of their own applications.
 */
import { Scopes } from '@apim/contracts';
import type { AppContext } from '../context.js';
import { isAdmin, type Principal } from '../http/auth.js';
import { callerOf, operation, ref, type OperationSpec } from '../http/rest-api.js';
import { analyticsSummary, type SummaryRequest } from './summary.js';

const int = { type: 'integer' } as const;

type Audience = 'admin' | 'publisher' | 'devportal';

const ACCESS = {
  admin: [Scopes.admin],
  publisher: [Scopes.apiView, Scopes.apiCreate, Scopes.apiPublish],
  devportal: [Scopes.subscribe, Scopes.appManage],
} as const;

const WHOSE = {
  admin: 'every API and application',
  publisher: 'the APIs you created (admins: every API)',
  devportal: 'your applications',
} as const;

/** The ids the caller may see (undefined: all), narrowed to one asked for. */
function narrowed(allowed: string[] | undefined, asked: string | undefined): string[] | undefined {
  if (asked === undefined) return allowed;
  return !allowed || allowed.includes(asked) ? [asked] : [];
}

export function analyticsOperations(ctx: AppContext, audience: Audience): OperationSpec<never, never>[] {
  const { prisma } = ctx;

  /** The part of the traffic the caller may see. */
  async function restriction(p: Principal): Promise<Pick<SummaryRequest, 'apiIds' | 'applicationIds'>> {
    if (audience === 'admin') return {};
    if (audience === 'publisher') {
      if (isAdmin(p)) return {};
      const apis = await prisma.api.findMany({ where: { providerId: p.userId }, select: { id: true } });
      return { apiIds: apis.map((a) => a.id) };
    }
    const apps = await prisma.application.findMany({ where: { ownerId: p.userId }, select: { id: true } });
    return { applicationIds: apps.map((a) => a.id) };
  }

  return [
    operation<
      unknown,
      { minutes: number; recent: number; apiId?: string; applicationId?: string; statusClass?: string }
    >({
      method: 'get',
      path: '/analytics/summary',
      operationId: 'getAnalyticsSummary',
      summary: `Traffic of ${WHOSE[audience]}: totals, timeline, latency percentiles, busiest APIs and applications, latest requests`,
      tag: 'Analytics',
      access: [...ACCESS[audience]],
      query: {
        properties: {
          minutes: { ...int, minimum: 1, maximum: 43_200, default: 60, description: 'how far back from now' },
          recent: { ...int, minimum: 0, maximum: 100, default: 20, description: 'latest requests to list' },
          apiId: { type: 'string', minLength: 1, description: 'only the traffic of this API' },
          applicationId: {
            type: 'string',
            minLength: 1,
            description: 'only the traffic of this application',
          },
          statusClass: {
            type: 'string',
            pattern: '^[1-5]xx(,[1-5]xx)*$',
            description: 'only answers of these status classes, e.g. 4xx,5xx',
          },
        },
      },
      responses: { 200: { description: 'The summary', schema: ref('AnalyticsSummary') } },
      async handle(req) {
        const { minutes, recent, apiId, applicationId, statusClass } = req.query;
        const scope = await restriction(callerOf(req));
        return {
          status: 200,
          body: await analyticsSummary(prisma, {
            minutes,
            recent,
            apiIds: narrowed(scope.apiIds, apiId),
            applicationIds: narrowed(scope.applicationIds, applicationId),
            statusClasses: statusClass?.split(',').map((c) => Number(c[0])),
          }),
        };
      },
    }),
  ] as OperationSpec<never, never>[];
}

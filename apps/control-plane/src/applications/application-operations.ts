/** The developer portal's operations on your applications. */
import { Scopes } from '@apim/contracts';
import { type Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import { ownApplications, ownedApplication } from './access.js';
import { applicationDto, createApplication, deleteApplication, updateApplication } from './applications.js';

export function applicationOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma, keyManager, log } = ctx;
  const apps = [Scopes.appManage, Scopes.subscribe];
  const appParam = { applicationId: { type: 'string', format: 'uuid' } };

  return [
    operation<unknown, Paging & { query?: string }>({
      method: 'get',
      path: '/applications',
      operationId: 'applicationsGet',
      summary: 'Your applications',
      tag: 'Applications',
      access: apps,
      query: { properties: { ...pagingQuery, query: { type: 'string', maxLength: 100 } } },
      responses: { 200: { description: 'Applications', schema: ref('ApplicationList') } },
      async handle(req) {
        const { query } = req;
        const where = {
          ...ownApplications(callerOf(req)),
          ...(query.query ? { name: { contains: query.query, mode: 'insensitive' as const } } : {}),
        };
        const [total, rows] = await Promise.all([
          prisma.application.count({ where }),
          prisma.application.findMany({
            where,
            include: { owner: true, _count: { select: { subscriptions: true } } },
            orderBy: { name: 'asc' },
            skip: query.offset,
            take: query.limit,
          }),
        ]);
        const list = rows.map((a) => applicationDto(a, { subscriptionCount: a._count.subscriptions }));
        return { status: 200, body: page('/applications', list, total, query) };
      },
    }),
    operation<Devportal.Application>({
      method: 'post',
      path: '/applications',
      operationId: 'applicationsPost',
      summary: 'Create an application (status CREATED while waiting for approval)',
      tag: 'Applications',
      access: apps,
      body: ref('Application'),
      responses: { 201: { description: 'Created', schema: ref('Application') } },
      async handle(req) {
        const app = await createApplication(prisma, callerOf(req), req.body);
        return {
          status: 201,
          body: applicationDto(app),
          headers: { location: `/api/am/devportal/v3/applications/${app.id}` },
        };
      },
    }),
    operation({
      method: 'get',
      path: '/applications/{applicationId}',
      operationId: 'applicationsApplicationIdGet',
      summary: 'One of your applications',
      tag: 'Applications',
      access: apps,
      params: appParam,
      responses: { 200: { description: 'The application', schema: ref('Application') } },
      async handle(req) {
        const app = await ownedApplication(prisma, callerOf(req), req.params.applicationId!);
        const [subscriptionCount, keys] = await Promise.all([
          prisma.subscription.count({ where: { applicationId: app.id } }),
          prisma.applicationKey.findMany({ where: { applicationId: app.id } }),
        ]);
        const keyList = keys.map((k) => ({
          keyMappingId: k.id,
          keyType: k.keyType,
          consumerKey: k.consumerKey,
          keyManager: k.keyManager,
        }));
        return { status: 200, body: applicationDto(app, { subscriptionCount, keys: keyList }) };
      },
    }),
    operation<Devportal.Application>({
      method: 'put',
      path: '/applications/{applicationId}',
      operationId: 'applicationsApplicationIdPut',
      summary: 'Change an application',
      tag: 'Applications',
      access: apps,
      params: appParam,
      body: ref('Application'),
      responses: { 200: { description: 'The application', schema: ref('Application') } },
      async handle(req) {
        return {
          status: 200,
          body: applicationDto(
            await updateApplication(prisma, callerOf(req), req.params.applicationId!, req.body),
          ),
        };
      },
    }),
    operation({
      method: 'delete',
      path: '/applications/{applicationId}',
      operationId: 'applicationsApplicationIdDelete',
      summary: 'Delete an application with its keys and subscriptions',
      tag: 'Applications',
      access: apps,
      params: appParam,
      responses: { 200: { description: 'Deleted' } },
      async handle(req) {
        await deleteApplication(
          prisma,
          keyManager,
          log,
          ctx.config.internalSecret,
          callerOf(req),
          req.params.applicationId!,
        );
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

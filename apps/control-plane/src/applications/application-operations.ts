/** The developer portal REST API (/api/am/devportal/v3). */
import { Roles, Scopes } from '@apim/contracts';
import { devportalComponents, type Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { createAccount, userDto } from '../users/users.js';
import { HttpError } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, callerOf, type OperationSpec, type RestApiDefinition } from '../http/rest-api.js';
import { apiSearchWhere, findApiPage } from '../apis/search.js';
import { ownApplications, ownedApplication, visibleApis } from './access.js';
import { applicationDto, createApplication, deleteApplication, updateApplication } from './applications.js';
import { catalogApi, catalogInfo, consumerDocument, visibleApi } from '../catalog/catalog.js';
import { apiKeyOperations } from './api-keys.js';
import { keyManagerListOperations } from '../key-managers/devportal-list.js';
import { keyOperations } from './oauth-key-operations.js';
import { subscriptionOperations } from '../subscriptions/devportal-operations.js';
import { tokenOperations } from './tokens.js';
import { devportalDocumentOperations } from '../apis/documents.js';
import { analyticsOperations } from '../analytics/operations.js';

export function devportalApi(ctx: AppContext): RestApiDefinition {
  const { prisma, keyManager, log } = ctx;
  const apps = [Scopes.appManage, Scopes.subscribe];
  const appParam = { applicationId: { type: 'string', format: 'uuid' } };
  const apiParam = { apiId: { type: 'string', format: 'uuid' } };

  const operations = [
    operation<unknown, Paging & { query?: string }>({
      method: 'get',
      path: '/apis',
      operationId: 'apisGet',
      summary: 'Browse and search the APIs you may see (query: name, tag:, context:, version:, provider:)',
      tag: 'APIs',
      access: 'public',
      query: { properties: { ...pagingQuery, query: { type: 'string', maxLength: 500 } } },
      responses: { 200: { description: 'A page of APIs', schema: ref('APIList') } },
      async handle({ principal, query }) {
        const where = { AND: [visibleApis(principal), apiSearchWhere(query.query)] };
        const { total, rows } = await findApiPage(prisma, where, query);
        return {
          status: 200,
          body: page('/apis', rows.map(catalogInfo), total, query, query.query ? { query: query.query } : {}),
        };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}',
      operationId: 'apisApiIdGet',
      summary: 'One API, with its tiers and gateway URLs',
      tag: 'APIs',
      access: 'public',
      params: apiParam,
      responses: { 200: { description: 'The API', schema: ref('API') } },
      async handle({ principal, params }) {
        return {
          status: 200,
          body: await catalogApi(prisma, await visibleApi(prisma, principal, params.apiId!)),
        };
      },
    }),
    operation<unknown, { format: 'json' | 'yaml' }>({
      method: 'get',
      path: '/apis/{apiId}/swagger',
      operationId: 'apisApiIdSwaggerGet',
      summary: "The API's OpenAPI document, pointing at the gateways",
      tag: 'APIs',
      access: 'public',
      params: apiParam,
      query: { properties: { format: { enum: ['json', 'yaml'], default: 'json' } } },
      responses: {
        200: {
          description: 'The document',
          schema: { type: 'object' },
          contentTypes: ['application/json', 'application/yaml'],
        },
      },
      async handle({ principal, params, query }) {
        return consumerDocument(prisma, await visibleApi(prisma, principal, params.apiId!), query.format);
      },
    }),
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
    operation<Devportal.SignUp>({
      method: 'post',
      path: '/me/sign-up',
      operationId: 'selfSignUp',
      summary: 'Create your own account (when the admin allows self sign-up); you get the subscriber role',
      tag: 'Sign-up',
      access: 'public',
      body: ref('SignUp'),
      responses: { 201: { description: 'Your account', schema: { type: 'object' } } },
      async handle({ body }) {
        const setting = await prisma.systemSetting.findUnique({ where: { key: 'selfSignUp' } });
        const value = (setting?.value ?? {}) as { enabled?: boolean; roles?: string[] };
        if (value.enabled !== true) throw new HttpError(403, 'Self sign-up is disabled');
        const roles = value.roles?.length ? value.roles : [Roles.subscriber];
        const user = await createAccount(prisma, { ...body, roles });
        return { status: 201, body: userDto(user) };
      },
    }),
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

  return {
    title: 'Developer Portal API',
    version: 'v3',
    description:
      'Browse APIs, manage applications, keys, tokens, API keys and subscriptions (WSO2 API Manager devportal v3 subset).',
    basePath: '/api/am/devportal/v3',
    schemas: devportalComponents,
    operations: [
      ...operations,
      ...keyManagerListOperations(ctx),
      ...keyOperations(ctx),
      ...tokenOperations(ctx),
      ...apiKeyOperations(ctx),
      ...subscriptionOperations(ctx),
      ...devportalDocumentOperations(ctx, (principal, apiId) => visibleApi(prisma, principal, apiId)),
      ...analyticsOperations(ctx, 'devportal'),
    ],
  };
}

/** The publisher's operations on APIs themselves: list and search, create, read, change, delete, new version. */
import { Scopes } from '@apim/contracts';
import { publisherComponents, uuid, type Publisher } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { view, create, apiIdParam } from './access.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, callerOf, type JsonSchema, type OperationSpec } from '../http/rest-api.js';
import { apiInfoDto } from './api-model.js';
import { apiResource, copyApi, createApi, deleteApi, loadApi, updateApi } from './apis.js';
import { apiSearchWhere, findApiPage } from './search.js';

export function apiOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;

  return [
    operation<unknown, Paging & { query?: string }>({
      method: 'get',
      path: '/apis',
      operationId: 'getAllAPIs',
      summary: 'List and search APIs',
      tag: 'APIs',
      access: view,
      query: { properties: { ...pagingQuery, query: { type: 'string', maxLength: 500 } } },
      responses: { 200: { description: 'A page of APIs', schema: ref('APIList') } },
      async handle({ query }) {
        const where = apiSearchWhere(query.query);
        const { total, rows } = await findApiPage(prisma, where, query);
        return {
          status: 200,
          body: page('/apis', rows.map(apiInfoDto), total, query, query.query ? { query: query.query } : {}),
        };
      },
    }),
    operation<Publisher.API, { openAPIVersion?: string }>({
      method: 'post',
      path: '/apis',
      operationId: 'createAPI',
      summary: 'Create an API',
      tag: 'APIs',
      access: create,
      body: ref('API'),
      responses: { 201: { description: 'Created', schema: ref('API') } },
      async handle(req) {
        const api = await createApi(prisma, callerOf(req), req.body);
        return { status: 201, body: api, headers: { location: `/api/am/publisher/v4/apis/${api.id}` } };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}',
      operationId: 'getAPI',
      summary: 'Get an API',
      tag: 'APIs',
      access: view,
      params: apiIdParam,
      responses: { 200: { description: 'The API', schema: ref('API') } },
      async handle({ params }) {
        return { status: 200, body: await apiResource(prisma, await loadApi(prisma, params.apiId!)) };
      },
    }),
    operation<Publisher.API>({
      method: 'put',
      path: '/apis/{apiId}',
      operationId: 'updateAPI',
      summary: 'Update an API (its working copy; create a revision to deploy the change)',
      tag: 'APIs',
      access: create,
      params: apiIdParam,
      body: ref('API'),
      responses: { 200: { description: 'The updated API', schema: ref('API') } },
      async handle({ params, body }) {
        return { status: 200, body: await updateApi(prisma, params.apiId!, body) };
      },
    }),
    operation({
      method: 'delete',
      path: '/apis/{apiId}',
      operationId: 'deleteAPI',
      summary: 'Delete an API without subscriptions',
      tag: 'APIs',
      access: [Scopes.apiDelete],
      params: apiIdParam,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params }) {
        await deleteApi(prisma, params.apiId!);
        return { status: 200 };
      },
    }),
    operation<unknown, { apiId: string; newVersion: string; defaultVersion: boolean }>({
      method: 'post',
      path: '/apis/copy-api',
      operationId: 'createNewAPIVersion',
      summary: 'Create a new version of an API',
      tag: 'APIs',
      access: create,
      query: {
        properties: {
          apiId: uuid,
          newVersion: (publisherComponents.API!.properties as Record<string, JsonSchema>).version!,
          defaultVersion: { type: 'boolean', default: false },
        },
        required: ['apiId', 'newVersion'],
      },
      responses: { 201: { description: 'The new version', schema: ref('API') } },
      async handle(req) {
        const { query } = req;
        const api = await copyApi(prisma, callerOf(req), query.apiId, query.newVersion, query.defaultVersion);
        return { status: 201, body: api, headers: { location: `/api/am/publisher/v4/apis/${api.id}` } };
      },
    }),
  ] as OperationSpec<never, never>[];
}

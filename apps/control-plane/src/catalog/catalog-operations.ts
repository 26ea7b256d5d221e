/** The developer portal's catalog: browse and search the APIs you may see, one API, its OpenAPI document. */
import type { AppContext } from '../context.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { apiSearchWhere, findApiPage } from '../apis/search.js';
import { visibleApis } from '../applications/access.js';
import { catalogApi, catalogInfo, consumerDocument, visibleApi } from './catalog.js';

export function catalogOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;
  const apiParam = { apiId: { type: 'string', format: 'uuid' } };

  return [
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
  ] as OperationSpec<never, never>[];
}

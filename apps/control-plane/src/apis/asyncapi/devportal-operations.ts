/** The developer portal's AsyncAPI document of an async API, its servers the gateways' URLs of the API. */
import type { AppContext } from '../../context.js';
import { operation, type OperationSpec } from '../../http/rest-api.js';
import { endpointUrls, visibleApi } from '../../catalog/catalog.js';
import { documentResponse } from '../openapi/operations.js';
import { asyncApiOf, withGatewayServers } from './document.js';
import { asyncTypeOfApi } from './publisher-operations.js';

export function asyncApiDevportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;
  return [
    operation<unknown, { format: 'json' | 'yaml' }>({
      method: 'get',
      path: '/apis/{apiId}/asyncapi',
      operationId: 'apisApiIdAsyncapiGet',
      summary:
        "An async API's AsyncAPI document, its servers the gateways' URLs (ws://host:port/context/version)",
      tag: 'APIs',
      access: 'public',
      params: { apiId: { type: 'string', format: 'uuid' } },
      query: { properties: { format: { enum: ['json', 'yaml'], default: 'json' } } },
      responses: {
        200: {
          description: 'The document',
          schema: { type: 'object' },
          contentTypes: ['application/json', 'application/yaml'],
        },
      },
      async handle({ principal, params, query }) {
        const api = await visibleApi(prisma, principal, params.apiId!);
        const type = asyncTypeOfApi(api);
        const doc = withGatewayServers(asyncApiOf(api), type, await endpointUrls(prisma, api));
        return documentResponse(doc, query.format);
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** The developer portal's catalog: the APIs you may see, their OpenAPI documents and documents. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { devportalDocumentOperations } from '../apis/documents.js';
import { visibleApi } from './catalog.js';
import { catalogOperations } from './catalog-operations.js';

export function devportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return [
    ...catalogOperations(ctx),
    ...devportalDocumentOperations(ctx, (principal, apiId) => visibleApi(ctx.prisma, principal, apiId)),
  ];
}

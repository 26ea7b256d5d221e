/**
 * The key managers a publisher can name in an API's keyManagers (WSO2's publisher
 * GET /key-managers): the resident one and the external ones the admin registered, by name, display
 * name, type and state only (their endpoints and secrets are the admin API's).
 */
import { Scopes } from '@apim/contracts';
import type { AppContext } from '../context.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { RESIDENT_SUMMARY } from './key-managers.js';

export function publisherKeyManagerOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  return [
    operation({
      method: 'get',
      path: '/key-managers',
      operationId: 'getAllKeyManagers',
      summary: "The key managers an API's keyManagers can name: the resident one, then the external ones",
      tag: 'Key Managers',
      access: [Scopes.apiView, Scopes.apiCreate, Scopes.apiPublish],
      responses: { 200: { description: 'Key managers', schema: ref('KeyManagerList') } },
      async handle() {
        const rows = await prisma.trustedIssuer.findMany({
          select: { name: true, displayName: true, type: true, enabled: true },
          orderBy: { name: 'asc' },
        });
        const list = [
          RESIDENT_SUMMARY,
          ...rows.map((r) => ({
            name: r.name,
            displayName: r.displayName ?? r.name,
            type: r.type,
            enabled: r.enabled,
          })),
        ];
        return { status: 200, body: { count: list.length, list } };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/**
 * GET /key-managers: the key managers an application can get keys from (WSO2 devportal's
 * KeyManagerInfo list): the resident one first, then the enabled external ones, with what each
 * supports, so clients offer only what works.
 */
import { Scopes } from '@apim/contracts';
import { GRANT_TYPES } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { externalKeyManager, RESIDENT_SUMMARY } from './key-managers.js';

export function keyManagerListOperations({ prisma, config }: AppContext): OperationSpec<never, never>[] {
  return [
    operation({
      method: 'get',
      path: '/key-managers',
      operationId: 'keyManagersGet',
      summary: 'The key managers applications can get keys from, and whether each creates or maps clients',
      tag: 'Key Managers',
      access: [Scopes.appManage, Scopes.subscribe],
      responses: { 200: { description: 'Key managers', schema: ref('KeyManagerList') } },
      async handle() {
        const rows = await prisma.trustedIssuer.findMany({
          where: { enabled: true },
          orderBy: { name: 'asc' },
        });
        const resident = {
          ...RESIDENT_SUMMARY,
          description: 'The key manager of this API manager',
          enableOAuthAppCreation: true,
          enableMapOAuthConsumerApps: true,
          enableTokenGeneration: true,
          availableGrantTypes: [...GRANT_TYPES],
        };
        const external = rows.map((row) => {
          const km = externalKeyManager(row, config.internalSecret);
          return {
            id: km.id,
            name: km.name,
            displayName: km.displayName,
            type: km.type,
            description: km.description,
            enabled: km.enabled,
            enableOAuthAppCreation: km.registrationEndpoint !== null,
            enableMapOAuthConsumerApps: true,
            enableTokenGeneration: km.tokenEndpoint !== null,
            // what the provider allows is its business; these are the ones we ask it for
            availableGrantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
            ...(km.tokenEndpoint ? { tokenEndpoint: km.tokenEndpoint } : {}),
          };
        });
        const list = [resident, ...external];
        return { status: 200, body: { count: list.length, list } };
      },
    }),
  ] as OperationSpec<never, never>[];
}

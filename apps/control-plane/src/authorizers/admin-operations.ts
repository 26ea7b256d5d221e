/**
 * External authorizers (admin /external-authorizers): the Envoy ext_authz services (HTTP mode) that
 * rules with the `extAuth` strategy name. Gateways are told of each change in its transaction.
 */
import { Scopes } from '@apim/contracts';
import { OutboundUrlPolicy } from '@apim/service';
import type { AppContext } from '../context.js';
import { badRequest, conflict, conflictOnDuplicate, notFound } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { gatewayWrites } from '../model/gateway-writes.js';
import { apisNaming, authorizerData, authorizerDto, type AuthorizerBody } from './authorizers.js';

export function authorizerOperations({ prisma, config }: AppContext): OperationSpec<never, never>[] {
  const tag = 'External Authorizers';
  const access = [Scopes.admin];
  const params = { name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 100 } };
  const policy = new OutboundUrlPolicy(config.outboundUrlAllowlist);
  const unique = (name: string) =>
    conflictOnDuplicate(`An external authorizer named '${name}' already exists`);
  return [
    operation({
      method: 'get',
      path: '/external-authorizers',
      operationId: 'getAllExternalAuthorizers',
      summary: 'List the external authorizers',
      tag,
      access,
      responses: { 200: { description: 'External authorizers', schema: ref('ExternalAuthorizerList') } },
      async handle() {
        const rows = await prisma.externalAuthorizer.findMany({ orderBy: { name: 'asc' } });
        return { status: 200, body: { count: rows.length, list: rows.map(authorizerDto) } };
      },
    }),
    operation<AuthorizerBody>({
      method: 'post',
      path: '/external-authorizers',
      operationId: 'addExternalAuthorizer',
      summary: 'Add an external authorizer (Envoy ext_authz, HTTP mode)',
      tag,
      access,
      body: ref('ExternalAuthorizer'),
      responses: { 201: { description: 'Created', schema: ref('ExternalAuthorizer') } },
      async handle({ body }) {
        const data = await authorizerData(body, policy);
        const row = await prisma
          .$transaction((tx) => gatewayWrites.authorizer.create(tx, { data }))
          .catch(unique(body.name));
        return { status: 201, body: authorizerDto(row) };
      },
    }),
    operation({
      method: 'get',
      path: '/external-authorizers/{name}',
      operationId: 'getExternalAuthorizer',
      summary: 'One external authorizer',
      tag,
      access,
      params,
      responses: { 200: { description: 'The external authorizer', schema: ref('ExternalAuthorizer') } },
      async handle({ params: p }) {
        const row = await prisma.externalAuthorizer.findUnique({ where: { name: p.name! } });
        if (!row) throw notFound(`External authorizer '${p.name}'`);
        return { status: 200, body: authorizerDto(row) };
      },
    }),
    operation<AuthorizerBody>({
      method: 'put',
      path: '/external-authorizers/{name}',
      operationId: 'updateExternalAuthorizer',
      summary: 'Change an external authorizer (its name stays: rules name it)',
      tag,
      access,
      params,
      body: ref('ExternalAuthorizer'),
      responses: { 200: { description: 'The external authorizer', schema: ref('ExternalAuthorizer') } },
      async handle({ params: p, body }) {
        if (body.name !== p.name)
          throw badRequest(`name: an external authorizer keeps its name ('${p.name}'): rules name it`);
        const data = await authorizerData(body, policy);
        const row = await prisma.$transaction(async (tx) => {
          const existing = await tx.externalAuthorizer.findUnique({ where: { name: p.name! } });
          if (!existing) throw notFound(`External authorizer '${p.name}'`);
          return gatewayWrites.authorizer.update(tx, { where: { id: existing.id }, data });
        });
        return { status: 200, body: authorizerDto(row) };
      },
    }),
    operation({
      method: 'delete',
      path: '/external-authorizers/{name}',
      operationId: 'removeExternalAuthorizer',
      summary: 'Remove an external authorizer that no deployed rule names',
      tag,
      access,
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        await prisma.$transaction(async (tx) => {
          const existing = await tx.externalAuthorizer.findUnique({ where: { name: p.name! } });
          if (!existing) throw notFound(`External authorizer '${p.name}'`);
          const apis = await apisNaming(tx, existing.name);
          if (apis.length > 0)
            throw conflict(
              `The external authorizer '${existing.name}' is named by rules of deployed APIs: ${apis.join(', ')}. Deploy revisions that do not name it first`,
            );
          await gatewayWrites.authorizer.delete(tx, existing);
        });
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

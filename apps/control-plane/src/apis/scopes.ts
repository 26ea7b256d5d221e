/** Shared scopes (usable by every API) with their role bindings: the publisher's /scopes. */
import { Scopes } from '@apim/contracts';
import { uuid, type Complete, type Publisher } from '@apim/rest-contract';
import type { Prisma } from '@apim/db';
import type { AppContext } from '../context.js';
import { conflict, conflictOnDuplicate, notFound } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';

/** System scopes (apim:*) are not shared scopes and cannot be changed here. */
const SHARED: Prisma.ScopeWhereInput = { apiId: null, NOT: { name: { startsWith: 'apim:' } } };

function scopeDto(s: Prisma.ScopeGetPayload<object>, usageCount: number): Complete<Publisher.Scope> {
  return {
    id: s.id,
    name: s.name,
    displayName: s.displayName ?? s.name,
    description: s.description ?? '',
    bindings: s.roles,
    usageCount,
  };
}

export function sharedScopeOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const usage = (name: string) => prisma.apiOperation.count({ where: { scopes: { has: name } } });
  const find = async (scopeId: string) => {
    const s = await prisma.scope.findFirst({ where: { id: scopeId, ...SHARED } });
    if (!s) throw notFound('Scope');
    return s;
  };
  const ops = [
    operation<unknown, Paging>({
      method: 'get',
      path: '/scopes',
      operationId: 'getSharedScopes',
      summary: 'List shared scopes',
      tag: 'Scopes',
      access: [Scopes.apiView, Scopes.apiCreate],
      query: { properties: pagingQuery },
      responses: { 200: { description: 'Shared scopes', schema: { type: 'object' } } },
      async handle({ query }) {
        const [total, rows] = await Promise.all([
          prisma.scope.count({ where: SHARED }),
          prisma.scope.findMany({
            where: SHARED,
            orderBy: { name: 'asc' },
            skip: query.offset,
            take: query.limit,
          }),
        ]);
        const list = await Promise.all(rows.map(async (s) => scopeDto(s, await usage(s.name))));
        return { status: 200, body: page('/scopes', list, total, query) };
      },
    }),
    operation<Publisher.Scope>({
      method: 'post',
      path: '/scopes',
      operationId: 'addSharedScope',
      summary: 'Create a shared scope',
      tag: 'Scopes',
      access: [Scopes.apiCreate],
      body: ref('Scope'),
      responses: { 201: { description: 'Created', schema: ref('Scope') } },
      async handle({ body }) {
        if (body.name.startsWith('apim:')) throw conflict("Scope names starting with 'apim:' are reserved");
        const s = await prisma.scope
          .create({
            data: {
              name: body.name,
              displayName: body.displayName ?? body.name,
              description: body.description ?? null,
              roles: body.bindings ?? [],
            },
          })
          .catch(conflictOnDuplicate(`A scope named '${body.name}' already exists`));
        return { status: 201, body: scopeDto(s, 0) };
      },
    }),
    operation({
      method: 'get',
      path: '/scopes/{scopeId}',
      operationId: 'getSharedScope',
      summary: 'One shared scope',
      tag: 'Scopes',
      access: [Scopes.apiView, Scopes.apiCreate],
      params: { scopeId: uuid },
      responses: { 200: { description: 'The scope', schema: ref('Scope') } },
      async handle({ params }) {
        const s = await find(params.scopeId!);
        return { status: 200, body: scopeDto(s, await usage(s.name)) };
      },
    }),
    operation<Publisher.Scope>({
      method: 'put',
      path: '/scopes/{scopeId}',
      operationId: 'updateSharedScope',
      summary: "Change a shared scope's display name, description and role bindings",
      tag: 'Scopes',
      access: [Scopes.apiCreate],
      params: { scopeId: uuid },
      body: ref('Scope'),
      responses: { 200: { description: 'The scope', schema: ref('Scope') } },
      async handle({ params, body }) {
        const s = await find(params.scopeId!);
        if (body.name !== s.name) throw conflict('The name of a scope cannot be changed');
        const updated = await prisma.scope.update({
          where: { id: s.id },
          data: {
            displayName: body.displayName ?? s.displayName,
            description: body.description ?? s.description,
            roles: body.bindings ?? s.roles,
          },
        });
        return { status: 200, body: scopeDto(updated, await usage(s.name)) };
      },
    }),
    operation({
      method: 'delete',
      path: '/scopes/{scopeId}',
      operationId: 'deleteSharedScope',
      summary: 'Delete a shared scope no operation uses',
      tag: 'Scopes',
      access: [Scopes.apiCreate],
      params: { scopeId: uuid },
      responses: { 200: { description: 'Deleted' } },
      async handle({ params }) {
        const s = await find(params.scopeId!);
        const used = await usage(s.name);
        if (used) throw conflict(`The scope is used by ${used} operation(s)`);
        await prisma.scope.delete({ where: { id: s.id } });
        return { status: 200 };
      },
    }),
  ];
  return ops as OperationSpec<never, never>[];
}

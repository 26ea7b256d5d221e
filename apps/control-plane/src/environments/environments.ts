/** Gateway environments and their virtual hosts. */
import { Scopes } from '@apim/contracts';
import type { Prisma, TransactionClient } from '@apim/db';
import type { Admin } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { conflict, conflictOnDuplicate, notFound } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';

type EnvironmentRow = Prisma.GatewayEnvironmentGetPayload<object>;

export function environmentDto(e: EnvironmentRow) {
  return {
    id: e.id,
    name: e.name,
    displayName: e.displayName,
    description: e.description ?? '',
    type: e.type,
    isReadOnly: e.isReadOnly,
    vhosts: e.vhosts,
  };
}

/** The row fields of an environment resource, defaults filled in. */
export function environmentFields(body: Admin.Environment) {
  return {
    displayName: body.displayName ?? body.name,
    description: body.description ?? null,
    type: body.type ?? 'hybrid',
    // no HTTPS port given: the gateways have no HTTPS listener there, and none is advertised
    vhosts: body.vhosts.map((v) => ({
      host: v.host,
      httpContext: v.httpContext ?? '',
      httpPort: v.httpPort ?? 80,
      ...(v.httpsPort !== undefined ? { httpsPort: v.httpsPort } : {}),
    })),
  };
}

export async function createEnvironmentIn(tx: TransactionClient, body: Admin.Environment) {
  return tx.gatewayEnvironment
    .create({ data: { name: body.name, ...environmentFields(body) } })
    .catch(conflictOnDuplicate(`An environment named '${body.name}' already exists`));
}

/** Changes an environment; a vhost APIs are deployed on stays. */
export async function updateEnvironmentIn(
  tx: TransactionClient,
  current: EnvironmentRow,
  body: Admin.Environment,
) {
  if (current.isReadOnly) throw conflict('This environment is read-only (configured by the installation)');
  if (body.name !== current.name) throw conflict('The name of an environment cannot be changed');
  const inUse = await tx.revisionDeployment.findMany({
    where: { environmentId: current.id },
    select: { vhost: true },
  });
  const hosts = new Set(body.vhosts.map((v) => v.host));
  const orphaned = inUse.find((d) => !hosts.has(d.vhost));
  if (orphaned)
    throw conflict(`APIs are deployed on the vhost '${orphaned.vhost}': undeploy them before removing it`);
  return tx.gatewayEnvironment.update({ where: { id: current.id }, data: environmentFields(body) });
}

/** Deletes an environment nothing is deployed to. */
export async function deleteEnvironmentIn(tx: TransactionClient, current: EnvironmentRow) {
  if (current.isReadOnly) throw conflict('This environment is read-only (configured by the installation)');
  const deployed = await tx.revisionDeployment.count({ where: { environmentId: current.id } });
  if (deployed) throw conflict(`${deployed} API(s) are deployed to this environment: undeploy them first`);
  await tx.gatewayEnvironment.delete({ where: { id: current.id } });
}

export function environmentOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const tag = 'Environments';
  const params = { environmentId: { type: 'string', format: 'uuid' } };
  const find = async (id: string) => {
    const e = await prisma.gatewayEnvironment.findUnique({ where: { id } });
    if (!e) throw notFound('Environment');
    return e;
  };
  return [
    operation({
      method: 'get',
      path: '/environments',
      operationId: 'getEnvironments',
      summary: 'List gateway environments',
      tag,
      access: [Scopes.admin, Scopes.apiView, Scopes.apiPublish],
      responses: { 200: { description: 'Environments', schema: { type: 'object' } } },
      async handle() {
        const rows = await prisma.gatewayEnvironment.findMany({ orderBy: { name: 'asc' } });
        return { status: 200, body: { count: rows.length, list: rows.map(environmentDto) } };
      },
    }),
    operation<Admin.Environment>({
      method: 'post',
      path: '/environments',
      operationId: 'addEnvironment',
      summary: 'Create a gateway environment',
      tag,
      access: [Scopes.admin],
      body: ref('Environment'),
      responses: { 201: { description: 'Created', schema: ref('Environment') } },
      async handle({ body }) {
        const row = await prisma.$transaction((tx) => createEnvironmentIn(tx, body));
        return { status: 201, body: environmentDto(row) };
      },
    }),
    operation<Admin.Environment>({
      method: 'put',
      path: '/environments/{environmentId}',
      operationId: 'updateEnvironment',
      summary: 'Change a gateway environment (its name stays)',
      tag,
      access: [Scopes.admin],
      params,
      body: ref('Environment'),
      responses: { 200: { description: 'The environment', schema: ref('Environment') } },
      async handle({ params: p, body }) {
        const current = await find(p.environmentId!);
        const row = await prisma.$transaction((tx) => updateEnvironmentIn(tx, current, body));
        return { status: 200, body: environmentDto(row) };
      },
    }),
    operation({
      method: 'delete',
      path: '/environments/{environmentId}',
      operationId: 'removeEnvironment',
      summary: 'Delete a gateway environment nothing is deployed to',
      tag,
      access: [Scopes.admin],
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        const current = await find(p.environmentId!);
        await prisma.$transaction((tx) => deleteEnvironmentIn(tx, current));
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

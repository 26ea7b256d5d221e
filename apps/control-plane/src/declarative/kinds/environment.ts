/** Gateway environments as manifests describe them. */
import type { Admin } from '@apim/rest-contract';
import { notFound } from '../../http/errors.js';
import {
  createEnvironmentIn,
  deleteEnvironmentIn,
  environmentFields,
  updateEnvironmentIn,
} from '../../environments/environments.js';
import type { EnvironmentSpec } from '@apim/manifests';
import type { KindHandler, ReconcileScope } from './kind.js';

type Fields = ReturnType<typeof environmentFields>;

function specOf(
  name: string,
  f: Pick<Fields, keyof Fields> | { [K in keyof Fields]: unknown },
): EnvironmentSpec {
  return {
    name,
    displayName: f.displayName as string,
    description: (f.description as string | null) ?? '',
    type: f.type as EnvironmentSpec['type'],
    vhosts: f.vhosts as Admin.Environment['vhosts'],
  };
}

async function load(s: ReconcileScope, id: string) {
  const row = await s.tx.gatewayEnvironment.findUnique({ where: { id } });
  if (!row) throw notFound('Environment');
  return row;
}

export const environmentKind: KindHandler<'Environment'> = {
  kind: 'Environment',
  find: (s, spec) => s.tx.gatewayEnvironment.findUnique({ where: { name: spec.name } }),
  current: async (s, id) => {
    const row = await load(s, id);
    return specOf(row.name, row);
  },
  desired: async (_s, spec) => specOf(spec.name, environmentFields(spec)),
  create: async (s, spec) => (await createEnvironmentIn(s.tx, spec)).id,
  update: async (s, id, spec) => void (await updateEnvironmentIn(s.tx, await load(s, id), spec)),
  remove: async (s, id) => deleteEnvironmentIn(s.tx, await load(s, id)),
  all: async (s) =>
    (await s.tx.gatewayEnvironment.findMany({ select: { id: true }, orderBy: { name: 'asc' } })).map(
      (r) => r.id,
    ),
};

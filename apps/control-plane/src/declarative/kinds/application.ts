/** Applications as manifests describe them (their key pairs are not applied: see the README). */
import type { Prisma } from '@apim/db';
import { badRequest, notFound } from '../../http/errors.js';
import {
  applicationFields,
  createApplicationIn,
  deleteApplicationIn,
  deleteClientsOf,
  updateApplicationIn,
} from '../../applications/applications.js';
import type { ApplicationSpec } from '@apim/manifests';
import type { KindHandler, ReconcileScope } from './kind.js';
import { findApplication, ownerOf } from './owners.js';

type Fields = ReturnType<typeof applicationFields>;

/** The application's fields (a row's, or a resource's with defaults filled in) as a manifest's spec. */
function specOf(
  name: string,
  owner: string,
  f: Pick<Fields, 'description' | 'throttlingPolicy' | 'tokenType'> & {
    attributes: Prisma.JsonValue;
  },
): ApplicationSpec {
  return {
    name,
    owner,
    throttlingPolicy: f.throttlingPolicy,
    tokenType: f.tokenType === 'OPAQUE' ? 'OAUTH' : 'JWT',
    description: f.description,
    attributes: (f.attributes as Record<string, string> | null) ?? {},
    keys: [],
  };
}

async function load(s: ReconcileScope, id: string) {
  const row = await s.tx.application.findUnique({ where: { id }, include: { owner: true } });
  if (!row) throw notFound('Application');
  return row;
}

export const applicationKind: KindHandler<'Application'> = {
  kind: 'Application',
  async find(s, spec) {
    return findApplication(s.tx, spec.owner ?? s.principal.username, spec.name);
  },
  async current(s, id) {
    const row = await load(s, id);
    return specOf(row.name, row.owner.username, row);
  },
  async desired(s, spec) {
    if (spec.keys?.length)
      throw badRequest(
        "'keys' cannot be applied yet: generate the application's keys in the developer portal (generate-keys)",
      );
    const owner = await ownerOf(s, spec.owner);
    return specOf(spec.name, owner.username, applicationFields(spec));
  },
  async create(s, spec) {
    return (await createApplicationIn(s.tx, await ownerOf(s, spec.owner), spec)).id;
  },
  async update(s, id, spec) {
    await updateApplicationIn(s.tx, id, spec);
  },
  async remove(s, id) {
    const removed = await deleteApplicationIn(s.tx, await load(s, id));
    const { keyManager, log, config } = s.ctx;
    s.afterCommit(() => deleteClientsOf(keyManager, log, config.internalSecret, removed));
  },
  all: async (s) =>
    (
      await s.tx.application.findMany({
        select: { id: true },
        orderBy: [{ ownerId: 'asc' }, { name: 'asc' }],
      })
    ).map((r) => r.id),
};

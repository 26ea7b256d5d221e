/**
 * External key managers as manifests describe them. Secrets are write-only: a manifest may give
 * them, the spec compared and exported leaves them out (only whether a registration token is set).
 */
import { conflictOnDuplicate, notFound } from '../../http/errors.js';
import { deleteRegisteredClientsOf } from '../../applications/registered-clients.js';
import { keyManagerDto } from '../../key-managers/admin-operations.js';
import { keyManagerRow } from '../../key-managers/key-manager-settings.js';
import { gatewayWrites } from '../../model/gateway-writes.js';
import type { KeyManagerSpec } from '@apim/manifests';
import type { KindHandler, ReconcileScope } from './kind.js';

const settingsOf = (s: ReconcileScope) => ({
  residentIssuer: s.ctx.config.keyManagerUrl,
  internalSecret: s.ctx.config.internalSecret,
});

function specOf(resource: ReturnType<typeof keyManagerDto>): KeyManagerSpec {
  const { id: _id, ...spec } = resource;
  return spec as KeyManagerSpec;
}

async function load(s: ReconcileScope, id: string) {
  const row = await s.tx.trustedIssuer.findUnique({ where: { id } });
  if (!row) throw notFound('Key manager');
  return row;
}

const unique = (name: string) =>
  conflictOnDuplicate(`A key manager named '${name}' or with the same issuer already exists`);

export const keyManagerKind: KindHandler<'KeyManager'> = {
  kind: 'KeyManager',
  find: (s, spec) => s.tx.trustedIssuer.findUnique({ where: { name: spec.name } }),
  current: async (s, id) => specOf(keyManagerDto(await load(s, id))),
  async desired(s, spec) {
    const existing = await s.tx.trustedIssuer.findUnique({ where: { name: spec.name } });
    const row = await keyManagerRow(spec, existing, settingsOf(s));
    return specOf(
      keyManagerDto({ ...existing, ...row, id: existing?.id ?? '' } as Parameters<typeof keyManagerDto>[0]),
    );
  },
  async create(s, _spec, given) {
    const data = await keyManagerRow(given, null, settingsOf(s));
    return (await gatewayWrites.issuer.create(s.tx, { data }).catch(unique(given.name))).id;
  },
  async update(s, id, _spec, _changes, given) {
    const existing = await load(s, id);
    const data = await keyManagerRow(given, existing, settingsOf(s));
    await gatewayWrites.issuer.update(s.tx, { where: { id }, data }).catch(unique(given.name));
  },
  async remove(s, id) {
    // its application keys go with it; the clients we registered there go once the apply commits
    const keys = await gatewayWrites.issuer.delete(s.tx, await load(s, id));
    s.afterCommit(() => deleteRegisteredClientsOf(s.ctx.log, s.ctx.config.internalSecret, keys));
  },
  all: async (s) =>
    (await s.tx.trustedIssuer.findMany({ select: { id: true }, orderBy: { name: 'asc' } })).map((r) => r.id),
};

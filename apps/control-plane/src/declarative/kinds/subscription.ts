/** Subscriptions as manifests describe them: an application (by owner and name) to an API (by name and version). */
import { badRequest, notFound } from '../../http/errors.js';
import {
  changeTierIn,
  SUBSCRIPTION_INCLUDE,
  subscribeIn,
  unsubscribeIn,
} from '../../subscriptions/subscriptions.js';
import type { SubscriptionSpec } from '@apim/manifests';
import type { KindHandler, ReconcileScope } from './kind.js';
import { findApplication, ownerOf } from './owners.js';

async function parties(s: ReconcileScope, spec: SubscriptionSpec) {
  const owner = spec.application.owner ?? s.principal.username;
  const application = await findApplication(s.tx, owner, spec.application.name);
  const api = await s.tx.api.findUnique({
    where: { name_version: { name: spec.api.name, version: spec.api.version } },
  });
  return { owner, application, api };
}

async function load(s: ReconcileScope, id: string) {
  const row = await s.tx.subscription.findUnique({
    where: { id },
    include: { ...SUBSCRIPTION_INCLUDE, application: { include: { owner: true } } },
  });
  if (!row) throw notFound('Subscription');
  return row;
}

export const subscriptionKind: KindHandler<'Subscription'> = {
  kind: 'Subscription',
  async find(s, spec) {
    const { application, api } = await parties(s, spec);
    if (!application || !api) return null;
    return s.tx.subscription.findUnique({
      where: { applicationId_apiId: { applicationId: application.id, apiId: api.id } },
    });
  },
  async current(s, id) {
    const row = await load(s, id);
    return {
      application: { name: row.application.name, owner: row.application.owner.username },
      api: { name: row.api.name, version: row.api.version },
      throttlingPolicy: row.throttlingPolicy,
    };
  },
  async desired(s, spec) {
    return {
      application: { name: spec.application.name, owner: spec.application.owner ?? s.principal.username },
      api: { name: spec.api.name, version: spec.api.version },
      throttlingPolicy: spec.throttlingPolicy,
    };
  },
  async create(s, spec) {
    const { owner, application, api } = await parties(s, spec);
    if (!application) throw badRequest(`There is no application '${spec.application.name}' of '${owner}'`);
    if (!api) throw badRequest(`There is no API '${spec.api.name}' in version ${spec.api.version}`);
    const subscriber = await ownerOf(s, owner);
    return (await subscribeIn(s.tx, subscriber, application, api, spec.throttlingPolicy)).id;
  },
  async update(s, id, spec) {
    const current = await load(s, id);
    await changeTierIn(s.tx, await ownerOf(s, spec.application.owner), current, spec.throttlingPolicy);
  },
  async remove(s, id) {
    await unsubscribeIn(s.tx, await load(s, id));
  },
  all: async (s) =>
    (await s.tx.subscription.findMany({ select: { id: true }, orderBy: { createdAt: 'asc' } })).map(
      (r) => r.id,
    ),
};

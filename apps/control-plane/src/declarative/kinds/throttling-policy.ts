/** Throttling policies (subscription, application, advanced) as manifests describe them. */
import type { PolicyType } from '@apim/db';
import { notFound } from '../../http/errors.js';
import {
  createPolicyIn,
  deletePolicyIn,
  POLICY_INCLUDE,
  policyDto,
  storedPolicy,
  updatePolicyIn,
} from '../../policies/throttling-policy-model.js';
import type { ThrottlingPolicyType, ThrottlingPolicySpec } from '@apim/manifests';
import type { KindHandler, ReconcileScope } from './kind.js';

const TYPE_OF: Record<ThrottlingPolicyType, PolicyType> = {
  subscription: 'SUBSCRIPTION',
  application: 'APPLICATION',
  advanced: 'ADVANCED',
};
const LEVEL_OF = Object.fromEntries(Object.entries(TYPE_OF).map(([l, t]) => [t, l])) as Record<
  PolicyType,
  ThrottlingPolicyType
>;

/** The resource as a manifest's spec: its level instead of its ids and type name. */
function specOf(type: PolicyType, resource: ReturnType<typeof policyDto>): ThrottlingPolicySpec {
  const { policyId: _id, isDeployed: _deployed, type: _type, ...rest } = resource;
  return { policyType: LEVEL_OF[type], ...rest } as ThrottlingPolicySpec;
}

async function load(s: ReconcileScope, id: string) {
  const row = await s.tx.throttlingPolicy.findUnique({ where: { id }, include: POLICY_INCLUDE });
  if (!row) throw notFound('Throttling policy');
  return row;
}

export const throttlingPolicyKind: KindHandler<'ThrottlingPolicy'> = {
  kind: 'ThrottlingPolicy',
  find: (s, spec) =>
    s.tx.throttlingPolicy.findUnique({
      where: { type_name: { type: TYPE_OF[spec.policyType], name: spec.policyName } },
    }),
  current: async (s, id) => {
    const row = await load(s, id);
    return specOf(row.type, policyDto(row));
  },
  desired: async (_s, spec) => specOf(TYPE_OF[spec.policyType], storedPolicy(TYPE_OF[spec.policyType], spec)),
  create: async (s, spec) => (await createPolicyIn(s.tx, TYPE_OF[spec.policyType], spec)).id,
  update: async (s, id, spec) => void (await updatePolicyIn(s.tx, await load(s, id), spec)),
  remove: async (s, id) => deletePolicyIn(s.tx, await load(s, id)),
  all: async (s) =>
    (
      await s.tx.throttlingPolicy.findMany({
        where: { builtIn: false },
        select: { id: true },
        orderBy: [{ type: 'asc' }, { name: 'asc' }],
      })
    ).map((r) => r.id),
};

/**
 * Prisma rows -> the gateway views of @apim/contracts. The control plane writes the same views into
 * event payloads; these converters give the snapshot exactly the shapes the events carry.
 */
import type {
  ApiSnapshot,
  GatewayApi,
  GatewayCondition,
  GatewayDenyPolicy,
  GatewayIssuer,
  GatewayLimit,
  GatewayPolicy,
} from '@apim/contracts';
import type { Prisma } from '@apim/db';

type DeploymentRow = Prisma.RevisionDeploymentGetPayload<{
  include: { revision: true; api: true; environment: true };
}>;
type PolicyRow = Prisma.ThrottlingPolicyGetPayload<{ include: { conditionalGroups: true } }>;
type DenyRow = Prisma.DenyPolicyGetPayload<object>;
type IssuerRow = Prisma.TrustedIssuerGetPayload<object>;

export function apiView(d: DeploymentRow): GatewayApi {
  const snapshot = d.revision.snapshot as unknown as ApiSnapshot;
  return {
    ...snapshot,
    revisionId: d.revisionId,
    environment: d.environment.name,
    vhost: d.vhost,
    lifecycleStatus: d.api.lifecycleStatus,
    isDefaultVersion: d.api.isDefaultVersion,
  };
}

function limitView(row: {
  quotaType: GatewayLimit['quotaType'];
  requestCount: number | null;
  dataAmount: number | null;
  dataUnit: string | null;
  unitTime: number;
  timeUnit: string;
}): GatewayLimit {
  return {
    quotaType: row.quotaType,
    requestCount: row.requestCount,
    dataAmount: row.dataAmount,
    dataUnit: row.dataUnit,
    unitTime: row.unitTime,
    timeUnit: row.timeUnit as GatewayLimit['timeUnit'],
  };
}

export function policyView(p: PolicyRow): GatewayPolicy {
  return {
    ...limitView(p),
    id: p.id,
    type: p.type,
    name: p.name,
    rateLimitCount: p.rateLimitCount,
    rateLimitTimeUnit: p.rateLimitTimeUnit as GatewayPolicy['rateLimitTimeUnit'],
    stopOnQuotaReach: p.stopOnQuotaReach,
    conditionalGroups: [...p.conditionalGroups]
      .sort((a, b) => a.position - b.position)
      .map((g) => ({ ...limitView(g), id: g.id, conditions: g.conditions as unknown as GatewayCondition[] })),
  };
}

export function denyPolicyView(d: DenyRow): GatewayDenyPolicy {
  return { id: d.id, conditionType: d.conditionType, conditionValue: d.conditionValue, enabled: d.enabled };
}

export function issuerView(i: IssuerRow): GatewayIssuer {
  return {
    id: i.id,
    name: i.name,
    issuer: i.issuer,
    jwksUrl: i.jwksUrl,
    audience: i.audience,
    algorithms: i.algorithms,
    claimMappings: (i.claimMappings ?? {}) as Record<string, string>,
    enabled: i.enabled,
  };
}

/** What a gateway test says about a throttling policy, and the rows (policy, conditional groups) it becomes. */
import type { GatewayCondition, GatewayPolicy } from '@apim/contracts';
import type { Prisma } from '@apim/db';

export interface Bandwidth {
  dataAmount: number;
  dataUnit: 'KB' | 'MB';
}

/** A request count, a bandwidth quota (`bandwidth`, requestCount null) or unlimited (both null). */
export interface PolicySpec {
  type: GatewayPolicy['type'];
  name: string;
  requestCount: number | null;
  bandwidth?: Bandwidth;
  unitTime?: number;
  timeUnit?: 'sec' | 'min' | 'hour' | 'day';
  rateLimitCount?: number | null;
  rateLimitTimeUnit?: 'sec' | 'min' | null;
  stopOnQuotaReach?: boolean;
  conditionalGroups?: Array<{
    requestCount?: number;
    bandwidth?: Bandwidth;
    unitTime?: number;
    timeUnit?: string;
    conditions: GatewayCondition[];
  }>;
}

function quota(requestCount: number | null, bandwidth: Bandwidth | undefined) {
  if (bandwidth) return { quotaType: 'BANDWIDTH' as const, requestCount: null, ...bandwidth };
  return {
    quotaType: requestCount === null ? ('UNLIMITED' as const) : ('REQUESTCOUNT' as const),
    requestCount,
    dataAmount: null,
    dataUnit: null,
  };
}

/** The policy row's columns besides its type and name. */
export function policyData(spec: PolicySpec) {
  return {
    ...quota(spec.requestCount, spec.bandwidth),
    unitTime: spec.unitTime ?? 1,
    timeUnit: spec.timeUnit ?? 'min',
    rateLimitCount: spec.rateLimitCount ?? null,
    rateLimitTimeUnit: spec.rateLimitTimeUnit ?? null,
    stopOnQuotaReach: spec.stopOnQuotaReach ?? true,
  };
}

/** The policy's conditional group rows, in order. */
export function conditionalGroupData(
  spec: PolicySpec,
  policyId: string,
): Prisma.ConditionalGroupUncheckedCreateInput[] {
  return (spec.conditionalGroups ?? []).map((g, position) => ({
    policyId,
    position,
    conditions: g.conditions as unknown as Prisma.InputJsonValue,
    ...quota(g.requestCount ?? null, g.bandwidth),
    unitTime: g.unitTime ?? 1,
    timeUnit: g.timeUnit ?? 'min',
  }));
}

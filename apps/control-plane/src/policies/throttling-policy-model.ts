/**
 * Throttling policies (subscription, application, advanced with conditional groups): WSO2's admin
 * resource <-> our rows, and their creation, change and deletion inside a caller's transaction.
 */
import type { GatewayCondition } from '@apim/contracts';
import { type Prisma, type PolicyType, type TransactionClient } from '@apim/db';
import type { Admin } from '@apim/rest-contract';
import { badRequest, conflict, conflictOnDuplicate } from '../http/errors.js';
import { gatewayWrites, type ConditionalGroupData } from '../model/gateway-writes.js';

function limitFields(limit: Admin.ThrottleLimit, where: string) {
  if (limit.type === 'REQUESTCOUNTLIMIT') {
    if (!limit.requestCount) throw badRequest(`${where}: a REQUESTCOUNTLIMIT needs 'requestCount'`);
    const r = limit.requestCount;
    return {
      quotaType: 'REQUESTCOUNT' as const,
      requestCount: r.requestCount,
      dataAmount: null,
      dataUnit: null,
      unitTime: r.unitTime,
      timeUnit: r.timeUnit,
    };
  }
  if (limit.type === 'BANDWIDTHLIMIT') {
    if (!limit.bandwidth) throw badRequest(`${where}: a BANDWIDTHLIMIT needs 'bandwidth'`);
    const b = limit.bandwidth;
    return {
      quotaType: 'BANDWIDTH' as const,
      requestCount: null,
      dataAmount: b.dataAmount,
      dataUnit: b.dataUnit,
      unitTime: b.unitTime,
      timeUnit: b.timeUnit,
    };
  }
  return {
    quotaType: 'UNLIMITED' as const,
    requestCount: null,
    dataAmount: null,
    dataUnit: null,
    unitTime: 1,
    timeUnit: 'min',
  };
}

type LimitRow = Pick<
  Prisma.ThrottlingPolicyGetPayload<object>,
  'quotaType' | 'requestCount' | 'dataAmount' | 'dataUnit' | 'unitTime' | 'timeUnit'
>;

// the rows hold what the schema validated
type TimeUnit = NonNullable<Admin.ThrottleLimit['requestCount']>['timeUnit'];
type DataUnit = NonNullable<Admin.ThrottleLimit['bandwidth']>['dataUnit'];

function limitDto(row: LimitRow): Admin.ThrottleLimit {
  if (row.quotaType === 'REQUESTCOUNT')
    return {
      type: 'REQUESTCOUNTLIMIT',
      requestCount: {
        timeUnit: row.timeUnit as TimeUnit,
        unitTime: row.unitTime,
        requestCount: row.requestCount ?? 0,
      },
    };
  if (row.quotaType === 'BANDWIDTH')
    return {
      type: 'BANDWIDTHLIMIT',
      bandwidth: {
        timeUnit: row.timeUnit as TimeUnit,
        unitTime: row.unitTime,
        dataAmount: row.dataAmount ?? 0,
        dataUnit: (row.dataUnit ?? 'KB') as DataUnit,
      },
    };
  return { type: 'UNLIMITED' };
}

function conditionFromDto(c: Admin.ThrottleCondition, where: string): GatewayCondition {
  const invertCondition = c.invertCondition ?? false;
  const need = <T>(v: T | undefined, field: string): T => {
    if (v === undefined) throw badRequest(`${where}: a ${c.type} needs '${field}'`);
    return v;
  };
  switch (c.type) {
    case 'HEADERCONDITION': {
      const h = need(c.headerCondition, 'headerCondition');
      return {
        type: 'HEADERCONDITION',
        invertCondition,
        name: h.headerName.toLowerCase(),
        value: h.headerValue,
      };
    }
    case 'QUERYPARAMETERCONDITION': {
      const q = need(c.queryParameterCondition, 'queryParameterCondition');
      return {
        type: 'QUERYPARAMETERCONDITION',
        invertCondition,
        name: q.parameterName,
        value: q.parameterValue,
      };
    }
    case 'JWTCLAIMSCONDITION': {
      const j = need(c.jwtClaimsCondition, 'jwtClaimsCondition');
      try {
        new RegExp(j.attribute);
      } catch {
        throw badRequest(`${where}: the claim value '${j.attribute}' is not a valid regular expression`);
      }
      return { type: 'JWTCLAIMSCONDITION', invertCondition, name: j.claimUrl, value: j.attribute };
    }
    case 'IPCONDITION': {
      const ip = need(c.ipCondition, 'ipCondition');
      if (ip.ipConditionType === 'IPSPECIFIC')
        return {
          type: 'IPCONDITION',
          invertCondition,
          specificIp: need(ip.specificIP, 'ipCondition.specificIP'),
        };
      return {
        type: 'IPRANGECONDITION',
        invertCondition,
        startingIp: need(ip.startingIP, 'ipCondition.startingIP'),
        endingIp: need(ip.endingIP, 'ipCondition.endingIP'),
      };
    }
  }
}

function conditionDto(c: GatewayCondition): Admin.ThrottleCondition {
  const base = { invertCondition: c.invertCondition };
  switch (c.type) {
    case 'HEADERCONDITION':
      return {
        ...base,
        type: c.type,
        headerCondition: { headerName: c.name ?? '', headerValue: c.value ?? '' },
      };
    case 'QUERYPARAMETERCONDITION':
      return {
        ...base,
        type: c.type,
        queryParameterCondition: { parameterName: c.name ?? '', parameterValue: c.value ?? '' },
      };
    case 'JWTCLAIMSCONDITION':
      return {
        ...base,
        type: c.type,
        jwtClaimsCondition: { claimUrl: c.name ?? '', attribute: c.value ?? '' },
      };
    case 'IPCONDITION':
      return {
        ...base,
        type: 'IPCONDITION',
        ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP: c.specificIp },
      };
    case 'IPRANGECONDITION':
      return {
        ...base,
        type: 'IPCONDITION',
        ipCondition: { ipConditionType: 'IPRANGE', startingIP: c.startingIp, endingIP: c.endingIp },
      };
  }
}

export const TYPE_NAMES: Record<PolicyType, string> = {
  SUBSCRIPTION: 'SubscriptionThrottlePolicy',
  APPLICATION: 'ApplicationThrottlePolicy',
  ADVANCED: 'AdvancedThrottlePolicy',
};

export type PolicyRow = Prisma.ThrottlingPolicyGetPayload<{ include: { conditionalGroups: true } }>;

export function policyDto(p: PolicyRow) {
  return {
    policyId: p.id,
    policyName: p.name,
    displayName: p.displayName ?? p.name,
    description: p.description ?? '',
    isDeployed: true,
    type: TYPE_NAMES[p.type],
    defaultLimit: limitDto(p),
    ...(p.type === 'SUBSCRIPTION'
      ? {
          rateLimitCount: p.rateLimitCount,
          rateLimitTimeUnit: p.rateLimitTimeUnit,
          stopOnQuotaReach: p.stopOnQuotaReach,
          graphQLMaxDepth: p.graphqlMaxDepth,
          graphQLMaxComplexity: p.graphqlMaxComplexity,
          billingPlan: p.billingPlan,
          customAttributes: (p.customAttributes as unknown[] | null) ?? [],
        }
      : {}),
    ...(p.type === 'ADVANCED'
      ? {
          conditionalGroups: [...p.conditionalGroups]
            .sort((a, b) => a.position - b.position)
            .map((g) => ({
              description: g.description ?? '',
              conditions: (g.conditions as unknown as GatewayCondition[]).map(conditionDto),
              limit: limitDto(g),
            })),
        }
      : {}),
  };
}

async function inUse(tx: TransactionClient, p: PolicyRow): Promise<string | undefined> {
  if (p.type === 'SUBSCRIPTION') {
    const apis = await tx.api.count({ where: { subscriptionPolicies: { has: p.name } } });
    const subs = await tx.subscription.count({ where: { throttlingPolicy: p.name } });
    if (apis + subs) return `${apis} API(s) and ${subs} subscription(s) use it`;
  } else if (p.type === 'APPLICATION') {
    const apps = await tx.application.count({ where: { throttlingPolicy: p.name } });
    if (apps) return `${apps} application(s) use it`;
  } else {
    const apis = await tx.api.count({ where: { apiThrottlingPolicy: p.name } });
    const ops = await tx.apiOperation.count({ where: { throttlingPolicy: p.name } });
    if (apis + ops) return `${apis} API(s) and ${ops} resource(s) use it`;
  }
  return undefined;
}

/** The row fields of a policy resource, defaults filled in. */
export function policyFields(type: PolicyType, dto: Admin.ThrottlePolicy) {
  return {
    displayName: dto.displayName ?? dto.policyName,
    description: dto.description ?? null,
    ...limitFields(dto.defaultLimit, 'defaultLimit'),
    rateLimitCount: type === 'SUBSCRIPTION' ? (dto.rateLimitCount ?? null) : null,
    rateLimitTimeUnit:
      type === 'SUBSCRIPTION' && dto.rateLimitCount ? (dto.rateLimitTimeUnit ?? 'sec') : null,
    stopOnQuotaReach: dto.stopOnQuotaReach ?? true,
    graphqlMaxDepth: type === 'SUBSCRIPTION' ? (dto.graphQLMaxDepth ?? null) : null,
    graphqlMaxComplexity: type === 'SUBSCRIPTION' ? (dto.graphQLMaxComplexity ?? null) : null,
    billingPlan: dto.billingPlan ?? 'FREE',
    customAttributes: (dto.customAttributes ?? []) as Prisma.InputJsonValue,
  };
}

/** The policy's conditional groups, made after the policy's own write (gatewayWrites.policy). */
export const policyGroups = (type: PolicyType, dto: Admin.ThrottlePolicy) => (): ConditionalGroupData[] => {
  if (type !== 'ADVANCED') {
    if (dto.conditionalGroups?.length) throw badRequest('Only advanced policies have conditional groups');
    return [];
  }
  return (dto.conditionalGroups ?? []).map((g, position) => ({
    description: g.description ?? null,
    conditions: g.conditions.map((c, i) =>
      conditionFromDto(c, `conditionalGroups[${position}].conditions[${i}]`),
    ) as unknown as Prisma.InputJsonValue,
    ...limitFields(g.limit, `conditionalGroups[${position}].limit`),
  }));
};

export const POLICY_INCLUDE = { conditionalGroups: true } as const;

export async function createPolicyIn(tx: TransactionClient, type: PolicyType, body: Admin.ThrottlePolicy) {
  return gatewayWrites.policy
    .create(tx, {
      data: { type, name: body.policyName, ...policyFields(type, body) },
      conditionalGroups: policyGroups(type, body),
    })
    .catch(conflictOnDuplicate(`A ${type.toLowerCase()} policy named '${body.policyName}' already exists`));
}

export async function updatePolicyIn(tx: TransactionClient, current: PolicyRow, body: Admin.ThrottlePolicy) {
  if (body.policyName !== current.name) throw badRequest('The name of a policy cannot be changed');
  return gatewayWrites.policy.update(tx, {
    where: { id: current.id },
    data: policyFields(current.type, body),
    conditionalGroups: policyGroups(current.type, body),
  });
}

/** Deletes a policy that is not built in and that nothing uses. */
export async function deletePolicyIn(tx: TransactionClient, current: PolicyRow) {
  if (current.builtIn) throw conflict('Built-in policies cannot be deleted');
  const usage = await inUse(tx, current);
  if (usage) throw conflict(`The policy cannot be deleted: ${usage}`);
  await gatewayWrites.policy.delete(tx, current);
}

/** The resource as the admin API answers it once `body` is stored: every default filled in. */
export function storedPolicy(type: PolicyType, body: Admin.ThrottlePolicy) {
  const groups = policyGroups(type, body)();
  const row = {
    id: '',
    type,
    name: body.policyName,
    builtIn: false,
    ...policyFields(type, body),
    conditionalGroups: groups.map((g, position) => ({ id: '', policyId: '', position, ...g })),
  };
  // the row as Prisma would answer it: the JSON written is the JSON read
  return policyDto(row as unknown as PolicyRow);
}

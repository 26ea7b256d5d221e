/** Throttling policies (subscription, application, advanced with conditional groups), WSO2's admin shape. */
import { Scopes, type GatewayCondition } from '@apim/contracts';
import { type Prisma, type PolicyType, type TransactionClient } from '@apim/db';
import type { Admin } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { badRequest, conflict, conflictOnDuplicate, notFound } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
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

const TYPE_NAMES: Record<PolicyType, string> = {
  SUBSCRIPTION: 'SubscriptionThrottlePolicy',
  APPLICATION: 'ApplicationThrottlePolicy',
  ADVANCED: 'AdvancedThrottlePolicy',
};

type PolicyRow = Prisma.ThrottlingPolicyGetPayload<{ include: { conditionalGroups: true } }>;

function policyDto(p: PolicyRow) {
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

export function policyOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const levels: Array<[string, PolicyType]> = [
    ['subscription', 'SUBSCRIPTION'],
    ['application', 'APPLICATION'],
    ['advanced', 'ADVANCED'],
  ];
  const view = [Scopes.tierView, Scopes.tierManage, Scopes.admin];
  const manage = [Scopes.tierManage, Scopes.admin];

  function rowData(type: PolicyType, dto: Admin.ThrottlePolicy) {
    return {
      displayName: dto.displayName ?? dto.policyName,
      description: dto.description ?? null,
      ...limitFields(dto.defaultLimit, 'defaultLimit'),
      rateLimitCount: type === 'SUBSCRIPTION' ? (dto.rateLimitCount ?? null) : null,
      rateLimitTimeUnit:
        type === 'SUBSCRIPTION' && dto.rateLimitCount ? (dto.rateLimitTimeUnit ?? 'sec') : null,
      stopOnQuotaReach: dto.stopOnQuotaReach ?? true,
      billingPlan: dto.billingPlan ?? 'FREE',
      customAttributes: (dto.customAttributes ?? []) as Prisma.InputJsonValue,
    };
  }

  /** The policy's conditional groups, made after the policy's own write (gatewayWrites.policy). */
  const groupsOf = (type: PolicyType, dto: Admin.ThrottlePolicy) => (): ConditionalGroupData[] => {
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

  return levels.flatMap(([level, type]) => {
    const find = async (tx: TransactionClient | typeof prisma, policyId: string) => {
      const p = await tx.throttlingPolicy.findFirst({
        where: { id: policyId, type },
        include: { conditionalGroups: true },
      });
      if (!p) throw notFound('Throttling policy');
      return p;
    };
    const tag = `Throttling Policies (${level})`;
    const params = { policyId: { type: 'string', format: 'uuid' } };
    return [
      operation({
        method: 'get',
        path: `/throttling/policies/${level}`,
        operationId: `getAll${TYPE_NAMES[type]}s`,
        summary: `List ${level} throttling policies`,
        tag,
        access: view,
        responses: { 200: { description: 'Policies', schema: ref('ThrottlePolicyList') } },
        async handle() {
          const rows = await prisma.throttlingPolicy.findMany({
            where: { type },
            include: { conditionalGroups: true },
            orderBy: { name: 'asc' },
          });
          return { status: 200, body: { count: rows.length, list: rows.map(policyDto) } };
        },
      }),
      operation<Admin.ThrottlePolicy>({
        method: 'post',
        path: `/throttling/policies/${level}`,
        operationId: `add${TYPE_NAMES[type]}`,
        summary: `Create a ${level} throttling policy`,
        tag,
        access: manage,
        body: ref('ThrottlePolicy'),
        responses: { 201: { description: 'Created', schema: ref('ThrottlePolicy') } },
        async handle({ body }) {
          const dto = await prisma
            .$transaction(async (tx) =>
              policyDto(
                await gatewayWrites.policy.create(tx, {
                  data: { type, name: body.policyName, ...rowData(type, body) },
                  conditionalGroups: groupsOf(type, body),
                }),
              ),
            )
            .catch(conflictOnDuplicate(`A ${level} policy named '${body.policyName}' already exists`));
          return { status: 201, body: dto };
        },
      }),
      operation({
        method: 'get',
        path: `/throttling/policies/${level}/{policyId}`,
        operationId: `get${TYPE_NAMES[type]}`,
        summary: `One ${level} throttling policy`,
        tag,
        access: view,
        params,
        responses: { 200: { description: 'The policy', schema: ref('ThrottlePolicy') } },
        async handle({ params: p }) {
          return { status: 200, body: policyDto(await find(prisma, p.policyId!)) };
        },
      }),
      operation<Admin.ThrottlePolicy>({
        method: 'put',
        path: `/throttling/policies/${level}/{policyId}`,
        operationId: `update${TYPE_NAMES[type]}`,
        summary: `Change a ${level} throttling policy (its name stays)`,
        tag,
        access: manage,
        params,
        body: ref('ThrottlePolicy'),
        responses: { 200: { description: 'The policy', schema: ref('ThrottlePolicy') } },
        async handle({ params: p, body }) {
          const dto = await prisma.$transaction(async (tx) => {
            const current = await find(tx, p.policyId!);
            if (body.policyName !== current.name) throw badRequest('The name of a policy cannot be changed');
            return policyDto(
              await gatewayWrites.policy.update(tx, {
                where: { id: current.id },
                data: rowData(type, body),
                conditionalGroups: groupsOf(type, body),
              }),
            );
          });
          return { status: 200, body: dto };
        },
      }),
      operation({
        method: 'delete',
        path: `/throttling/policies/${level}/{policyId}`,
        operationId: `remove${TYPE_NAMES[type]}`,
        summary: `Delete a ${level} throttling policy nothing uses`,
        tag,
        access: manage,
        params,
        responses: { 200: { description: 'Deleted' } },
        async handle({ params: p }) {
          await prisma.$transaction(async (tx) => {
            const current = await find(tx, p.policyId!);
            if (current.builtIn) throw conflict('Built-in policies cannot be deleted');
            const usage = await inUse(tx, current);
            if (usage) throw conflict(`The policy cannot be deleted: ${usage}`);
            await gatewayWrites.policy.delete(tx, current);
          });
          return { status: 200 };
        },
      }),
    ] as OperationSpec<never, never>[];
  });
}

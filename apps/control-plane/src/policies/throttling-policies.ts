/** The admin's operations on throttling policies (subscription, application, advanced). */
import { Scopes } from '@apim/contracts';
import type { PolicyType, TransactionClient } from '@apim/db';
import type { Admin } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import {
  createPolicyIn,
  deletePolicyIn,
  POLICY_INCLUDE,
  policyDto,
  TYPE_NAMES,
  updatePolicyIn,
} from './throttling-policy-model.js';

export function policyOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const levels: Array<[string, PolicyType]> = [
    ['subscription', 'SUBSCRIPTION'],
    ['application', 'APPLICATION'],
    ['advanced', 'ADVANCED'],
  ];
  const view = [Scopes.tierView, Scopes.tierManage, Scopes.admin];
  const manage = [Scopes.tierManage, Scopes.admin];

  return levels.flatMap(([level, type]) => {
    const find = async (tx: TransactionClient | typeof prisma, policyId: string) => {
      const p = await tx.throttlingPolicy.findFirst({
        where: { id: policyId, type },
        include: POLICY_INCLUDE,
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
            include: POLICY_INCLUDE,
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
          const row = await prisma.$transaction((tx) => createPolicyIn(tx, type, body));
          return { status: 201, body: policyDto(row) };
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
          const row = await prisma.$transaction(async (tx) =>
            updatePolicyIn(tx, await find(tx, p.policyId!), body),
          );
          return { status: 200, body: policyDto(row) };
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
          await prisma.$transaction(async (tx) => deletePolicyIn(tx, await find(tx, p.policyId!)));
          return { status: 200 };
        },
      }),
    ] as OperationSpec<never, never>[];
  });
}

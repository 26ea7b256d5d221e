/** Deny policies (WSO2's "blocking conditions"): by API context, application, user, IP or IP range. */
import { isIP } from 'node:net';
import { Scopes } from '@apim/contracts';
import { type Prisma } from '@apim/db';
import type { Admin } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { badRequest, notFound } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { gatewayWrites } from '../model/gateway-writes.js';

function checkValue(dto: Admin.BlockingCondition): Prisma.InputJsonValue {
  const v = dto.conditionValue;
  if (dto.conditionType === 'IPRANGE') {
    if (typeof v !== 'object' || !isIP(v.startingIp) || !isIP(v.endingIp))
      throw badRequest(
        "An IPRANGE condition needs 'conditionValue': { startingIp, endingIp } with IP addresses",
      );
    return { startingIp: v.startingIp, endingIp: v.endingIp, invert: v.invert ?? false };
  }
  if (typeof v !== 'string')
    throw badRequest(`A ${dto.conditionType} condition needs a string 'conditionValue'`);
  if (dto.conditionType === 'IP' && !isIP(v)) throw badRequest(`'${v}' is not an IP address`);
  if (dto.conditionType === 'API' && !v.startsWith('/'))
    throw badRequest("An API condition's value is an API context starting with '/'");
  if (dto.conditionType === 'APPLICATION' && !/^[^:]+:.+$/.test(v))
    throw badRequest("An APPLICATION condition's value is 'owner:applicationName'");
  return v;
}

function dto(row: Prisma.DenyPolicyGetPayload<object>) {
  return {
    conditionId: row.id,
    conditionType: row.conditionType,
    conditionValue: row.conditionValue,
    conditionStatus: row.enabled,
  };
}

export function denyPolicyOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const access = [Scopes.tierManage, Scopes.admin];
  const params = { conditionId: { type: 'string', format: 'uuid' } };
  const tag = 'Deny Policies';
  return [
    operation({
      method: 'get',
      path: '/throttling/deny-policies',
      operationId: 'getAllDenyPolicies',
      summary: 'List deny policies',
      tag,
      access,
      responses: { 200: { description: 'Deny policies', schema: { type: 'object' } } },
      async handle() {
        const rows = await prisma.denyPolicy.findMany({ orderBy: { createdAt: 'asc' } });
        return { status: 200, body: { count: rows.length, list: rows.map(dto) } };
      },
    }),
    operation<Admin.BlockingCondition>({
      method: 'post',
      path: '/throttling/deny-policies',
      operationId: 'addDenyPolicy',
      summary: 'Create a deny policy',
      tag,
      access,
      body: ref('BlockingCondition'),
      responses: { 201: { description: 'Created', schema: ref('BlockingCondition') } },
      async handle({ body }) {
        const conditionValue = checkValue(body);
        const row = await prisma.$transaction((tx) =>
          gatewayWrites.denyPolicy.create(tx, {
            data: {
              conditionType: body.conditionType,
              conditionValue,
              enabled: body.conditionStatus ?? true,
            },
          }),
        );
        return { status: 201, body: dto(row) };
      },
    }),
    operation({
      method: 'get',
      path: '/throttling/deny-policy/{conditionId}',
      operationId: 'getDenyPolicy',
      summary: 'One deny policy',
      tag,
      access,
      params,
      responses: { 200: { description: 'The deny policy', schema: ref('BlockingCondition') } },
      async handle({ params: p }) {
        const row = await prisma.denyPolicy.findUnique({ where: { id: p.conditionId! } });
        if (!row) throw notFound('Deny policy');
        return { status: 200, body: dto(row) };
      },
    }),
    operation<{ conditionStatus: boolean }>({
      method: 'patch',
      path: '/throttling/deny-policy/{conditionId}',
      operationId: 'updateDenyPolicy',
      summary: 'Enable or disable a deny policy',
      tag,
      access,
      params,
      body: {
        type: 'object',
        required: ['conditionStatus'],
        properties: { conditionStatus: { type: 'boolean' } },
      },
      responses: { 200: { description: 'The deny policy', schema: ref('BlockingCondition') } },
      async handle({ params: p, body }) {
        const row = await prisma.$transaction(async (tx) => {
          const existing = await tx.denyPolicy.findUnique({ where: { id: p.conditionId! } });
          if (!existing) throw notFound('Deny policy');
          return gatewayWrites.denyPolicy.update(tx, {
            where: { id: existing.id },
            data: { enabled: body.conditionStatus },
          });
        });
        return { status: 200, body: dto(row) };
      },
    }),
    operation({
      method: 'delete',
      path: '/throttling/deny-policy/{conditionId}',
      operationId: 'removeDenyPolicy',
      summary: 'Delete a deny policy',
      tag,
      access,
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        await prisma.$transaction(async (tx) => {
          const existing = await tx.denyPolicy.findUnique({ where: { id: p.conditionId! } });
          if (!existing) throw notFound('Deny policy');
          await gatewayWrites.denyPolicy.delete(tx, existing);
        });
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

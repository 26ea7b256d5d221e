/** Pending approvals (application and subscription creation) and the admin's settings that enable them. */
import { Scopes } from '@apim/contracts';
import { WSO2_WORKFLOW_TYPES, type Admin, type Complete } from '@apim/rest-contract';
import type { Prisma, WorkflowType } from '@apim/db';
import { currentChange } from '../audit/change-context.js';
import type { AppContext } from '../context.js';
import { conflict, HttpError, notFound } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import type { WorkflowDecision } from './queue.js';

/** WSO2's workflow type names. */
const WSO2_TYPES = WSO2_WORKFLOW_TYPES satisfies Record<WorkflowType, string>;
const FROM_WSO2 = Object.fromEntries(Object.entries(WSO2_TYPES).map(([k, v]) => [v, k])) as Record<
  string,
  WorkflowType
>;

function dto(w: Prisma.WorkflowGetPayload<object>): Complete<Admin.WorkflowInfo> {
  return {
    workflowType: WSO2_TYPES[w.type],
    workflowStatus: w.status,
    createdTime: w.createdAt.toISOString(),
    updatedTime: w.completedAt?.toISOString() ?? null,
    referenceId: w.referenceId,
    externalWorkflowReference: w.id,
    properties: w.properties ?? {},
    description: w.comment,
  };
}

export function workflowOperations({ prisma, workflows }: AppContext): OperationSpec<never, never>[] {
  const access = [Scopes.admin];
  return [
    operation<unknown, Paging & { workflowType?: string; status?: string }>({
      method: 'get',
      path: '/workflows',
      operationId: 'getAllPendingWorkflows',
      summary: 'List workflows (pending ones unless status says otherwise)',
      tag: 'Workflows',
      access,
      query: {
        properties: {
          ...pagingQuery,
          workflowType: { enum: Object.values(WSO2_TYPES) },
          status: { enum: ['CREATED', 'APPROVED', 'REJECTED'], default: 'CREATED' },
        },
      },
      responses: { 200: { description: 'Workflows', schema: { type: 'object' } } },
      async handle({ query }) {
        const where: Prisma.WorkflowWhereInput = {
          status: query.status as WorkflowDecision | 'CREATED',
          ...(query.workflowType ? { type: FROM_WSO2[query.workflowType] } : {}),
        };
        const [total, rows] = await Promise.all([
          prisma.workflow.count({ where }),
          prisma.workflow.findMany({
            where,
            orderBy: { createdAt: 'asc' },
            skip: query.offset,
            take: query.limit,
          }),
        ]);
        return { status: 200, body: page('/workflows', rows.map(dto), total, query) };
      },
    }),
    operation({
      method: 'get',
      path: '/workflows/{externalWorkflowRef}',
      operationId: 'getWorkflowByExternalRef',
      summary: 'One workflow',
      tag: 'Workflows',
      access,
      params: { externalWorkflowRef: { type: 'string', format: 'uuid' } },
      responses: { 200: { description: 'The workflow', schema: ref('WorkflowInfo') } },
      async handle({ params }) {
        const w = await prisma.workflow.findUnique({ where: { id: params.externalWorkflowRef! } });
        if (!w) throw notFound('Workflow');
        return { status: 200, body: dto(w) };
      },
    }),
    operation<{ status: WorkflowDecision; description?: string }, { workflowReferenceId: string }>({
      method: 'post',
      path: '/workflows/update-workflow-status',
      operationId: 'updateWorkflowStatus',
      summary: 'Approve or reject a pending workflow (carried out by a background job)',
      tag: 'Workflows',
      access,
      query: {
        properties: { workflowReferenceId: { type: 'string', format: 'uuid' } },
        required: ['workflowReferenceId'],
      },
      body: {
        type: 'object',
        required: ['status'],
        properties: {
          status: { enum: ['APPROVED', 'REJECTED'] },
          description: { type: 'string', maxLength: 1024 },
          attributes: { type: 'object' },
        },
      },
      responses: {
        200: { description: 'Applied', schema: ref('WorkflowInfo') },
        202: { description: 'Queued, not applied yet', schema: ref('WorkflowInfo') },
      },
      async handle({ query, body }) {
        const w = await prisma.workflow.findUnique({ where: { id: query.workflowReferenceId } });
        if (!w) throw notFound('Workflow');
        if (w.status !== 'CREATED') throw conflict(`The workflow is already ${w.status}`);
        let done: boolean;
        try {
          done = await workflows.decide({
            workflowId: w.id,
            status: body.status,
            comment: body.description,
            decidedBy: currentChange(),
          });
        } catch {
          throw new HttpError(503, 'The workflow queue is not available; try again');
        }
        const after = await prisma.workflow.findUniqueOrThrow({ where: { id: w.id } });
        return { status: done ? 200 : 202, body: dto(after) };
      },
    }),
    operation({
      method: 'get',
      path: '/settings',
      operationId: 'getAdminSettings',
      summary: 'Self sign-up and workflow settings',
      tag: 'Settings',
      access: [Scopes.admin, Scopes.adminSettings],
      responses: { 200: { description: 'Settings', schema: ref('Settings') } },
      async handle() {
        const rows = await prisma.systemSetting.findMany({
          where: { key: { in: ['selfSignUp', 'workflows'] } },
        });
        return { status: 200, body: Object.fromEntries(rows.map((r) => [r.key, r.value])) };
      },
    }),
    operation<Admin.Settings>({
      method: 'put',
      path: '/settings',
      operationId: 'updateAdminSettings',
      summary: 'Change self sign-up and workflow settings (fields left out stay as they are)',
      tag: 'Settings',
      access: [Scopes.admin, Scopes.adminSettings],
      body: ref('Settings'),
      responses: { 200: { description: 'Settings', schema: ref('Settings') } },
      async handle({ body }) {
        const rows = await prisma.$transaction(async (tx) => {
          for (const key of ['selfSignUp', 'workflows'] as const) {
            const value = body[key];
            if (!value) continue;
            const current = await tx.systemSetting.findUnique({ where: { key } });
            const merged = { ...((current?.value as object | null) ?? {}), ...value };
            await tx.systemSetting.upsert({
              where: { key },
              create: { key, value: merged },
              update: { value: merged },
            });
          }
          return tx.systemSetting.findMany({ where: { key: { in: ['selfSignUp', 'workflows'] } } });
        });
        return { status: 200, body: Object.fromEntries(rows.map((r) => [r.key, r.value])) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

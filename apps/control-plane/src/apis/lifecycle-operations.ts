/** The publisher's operations on an API's lifecycle: its state and the transitions from it. */
import { LIFECYCLE_ACTIONS, uuid } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { view, publish, apiIdParam } from './access.js';
import { badRequest } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { lockApi } from './api-model.js';
import { loadApi } from './apis.js';
import { applyLifecycle, lifecycleState, TRANSITIONS, type LifecycleAction } from './lifecycle.js';

export function lifecycleOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;

  return [
    operation<unknown, { apiId: string; action: LifecycleAction }>({
      method: 'post',
      path: '/apis/change-lifecycle',
      operationId: 'changeAPILifecycle',
      summary: 'Move an API through its lifecycle (Publish, Block, Deprecate, Retire, ...)',
      tag: 'API Lifecycle',
      access: publish,
      query: {
        properties: {
          apiId: uuid,
          action: { enum: [...LIFECYCLE_ACTIONS] },
          lifecycleChecklist: { type: 'string' },
        },
        required: ['apiId', 'action'],
      },
      responses: { 200: { description: 'The new state', schema: ref('WorkflowResponse') } },
      async handle({ query }) {
        const state = await prisma.$transaction(async (tx) => {
          await lockApi(tx, query.apiId);
          const api = await loadApi(tx, query.apiId);
          const to = TRANSITIONS[api.lifecycleStatus][query.action];
          if (!to)
            throw badRequest(`'${query.action}' is not possible from the state ${api.lifecycleStatus}`);
          await applyLifecycle(tx, api.id, to);
          return to;
        });
        return {
          status: 200,
          body: { workflowStatus: 'APPROVED', jsonPayload: '', lifecycleState: lifecycleState(state) },
        };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/lifecycle-state',
      operationId: 'getAPILifecycleState',
      summary: 'The current lifecycle state and the actions possible from it',
      tag: 'API Lifecycle',
      access: view,
      params: apiIdParam,
      responses: { 200: { description: 'The state', schema: ref('LifecycleState') } },
      async handle({ params }) {
        const api = await loadApi(prisma, params.apiId!);
        return { status: 200, body: lifecycleState(api.lifecycleStatus) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** The admin REST API (/api/am/admin/v4). */
import { adminComponents } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import type { RestApiDefinition } from '../http/rest-api.js';
import { analyticsOperations } from '../analytics/operations.js';
import { denyPolicyOperations } from '../policies/deny-policies.js';
import { environmentOperations } from '../environments/environments.js';
import { keyManagerOperations } from '../key-managers/admin-operations.js';
import { policyOperations } from '../policies/throttling-policies.js';
import { userOperations } from '../users/users.js';
import { workflowOperations } from '../workflows/workflows.js';

export function adminApi(ctx: AppContext): RestApiDefinition {
  return {
    title: 'Admin API',
    version: 'v4',
    description:
      'Throttling and deny policies, gateway environments, trusted token issuers, users and roles, workflows, settings and traffic analytics (WSO2 API Manager admin v4 subset).',
    basePath: '/api/am/admin/v4',
    schemas: adminComponents,
    operations: [
      ...policyOperations(ctx),
      ...denyPolicyOperations(ctx),
      ...environmentOperations(ctx),
      ...keyManagerOperations(ctx),
      ...userOperations(ctx),
      ...workflowOperations(ctx),
      ...analyticsOperations(ctx, 'admin'),
    ],
  };
}

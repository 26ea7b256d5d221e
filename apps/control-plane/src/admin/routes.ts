/** The admin REST API (/api/am/admin/v4). */
import type { AppContext } from '../context.js';
import type { RestApiDefinition } from '../http/rest-api.js';
import { analyticsOperations, analyticsSchemas } from '../analytics/operations.js';
import { denyPolicyOperations, denySchemas } from './deny-policies.js';
import { environmentOperations, environmentSchemas } from './environments.js';
import { keyManagerOperations, keyManagerSchemas } from './key-managers.js';
import { policyOperations, policySchemas } from './policies.js';
import { userOperations, userSchemas } from './users.js';
import { workflowOperations, workflowSchemas } from './workflows.js';

export function adminApi(ctx: AppContext): RestApiDefinition {
  return {
    title: 'Admin API',
    version: 'v4',
    description:
      'Throttling and deny policies, gateway environments, trusted token issuers, users and roles, workflows, settings and traffic analytics (WSO2 API Manager admin v4 subset).',
    basePath: '/api/am/admin/v4',
    schemas: {
      ...policySchemas,
      ...denySchemas,
      ...environmentSchemas,
      ...keyManagerSchemas,
      ...userSchemas,
      ...workflowSchemas,
      ...analyticsSchemas,
    },
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

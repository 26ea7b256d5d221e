/** The admin REST API (/api/am/admin/v4). */
import { adminComponents } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import type { RestApiDefinition } from '../http/rest-api.js';
import * as analytics from '../analytics/index.js';
import * as audit from '../audit/index.js';
import * as declarative from '../declarative/index.js';
import * as authorizers from '../authorizers/index.js';
import * as environments from '../environments/index.js';
import * as keyManagers from '../key-managers/index.js';
import * as policies from '../policies/index.js';
import * as users from '../users/index.js';
import * as workflows from '../workflows/index.js';

export function adminApi(ctx: AppContext): RestApiDefinition {
  return {
    title: 'Admin API',
    version: 'v4',
    description:
      'Throttling and deny policies, gateway environments, trusted token issuers, users and roles, workflows, settings, traffic analytics and the audit log (WSO2 API Manager admin v4 subset).',
    basePath: '/api/am/admin/v4',
    schemas: adminComponents,
    operations: [
      ...policies.adminOperations(ctx),
      ...environments.adminOperations(ctx),
      ...keyManagers.adminOperations(ctx),
      ...authorizers.adminOperations(ctx),
      ...users.adminOperations(ctx),
      ...workflows.adminOperations(ctx),
      ...analytics.adminOperations(ctx),
      ...declarative.adminOperations(ctx),
      ...audit.adminOperations(ctx),
    ],
  };
}

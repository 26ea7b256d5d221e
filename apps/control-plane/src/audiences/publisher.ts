/** The publisher REST API (/api/am/publisher/v4): WSO2's paths and fields for what we implement. */
import { publisherComponents } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import type { RestApiDefinition } from '../http/rest-api.js';
import * as analytics from '../analytics/index.js';
import * as apis from '../apis/index.js';
import * as keyManagers from '../key-managers/index.js';
import * as subscriptions from '../subscriptions/index.js';
import * as websub from '../websub/index.js';

export function publisherApi(ctx: AppContext): RestApiDefinition {
  return {
    title: 'Publisher API',
    version: 'v4',
    description:
      'Create, import, version, revise, deploy and publish APIs (WSO2 API Manager publisher v4 subset).',
    basePath: '/api/am/publisher/v4',
    schemas: publisherComponents,
    operations: [
      ...apis.publisherOperations(ctx),
      ...subscriptions.publisherOperations(ctx),
      ...keyManagers.publisherOperations(ctx),
      ...analytics.publisherOperations(ctx),
      ...websub.publisherOperations(ctx),
    ],
  };
}

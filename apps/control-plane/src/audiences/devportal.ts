/** The developer portal REST API (/api/am/devportal/v3). */
import { devportalComponents } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import type { RestApiDefinition } from '../http/rest-api.js';
import * as analytics from '../analytics/index.js';
import * as applications from '../applications/index.js';
import { asyncApiDevportalOperations } from '../apis/asyncapi/index.js';
import { graphqlDevportalOperations } from '../apis/graphql/index.js';
import * as catalog from '../catalog/index.js';
import * as keyManagers from '../key-managers/index.js';
import * as policies from '../policies/index.js';
import * as subscriptions from '../subscriptions/index.js';
import * as users from '../users/index.js';

export function devportalApi(ctx: AppContext): RestApiDefinition {
  return {
    title: 'Developer Portal API',
    version: 'v3',
    description:
      'Browse APIs, manage applications, keys, tokens, API keys and subscriptions (WSO2 API Manager devportal v3 subset).',
    basePath: '/api/am/devportal/v3',
    schemas: devportalComponents,
    operations: [
      ...catalog.devportalOperations(ctx),
      ...graphqlDevportalOperations(ctx),
      ...asyncApiDevportalOperations(ctx),
      ...policies.devportalOperations(ctx),
      ...users.devportalOperations(ctx),
      ...applications.devportalOperations(ctx),
      ...keyManagers.devportalOperations(ctx),
      ...subscriptions.devportalOperations(ctx),
      ...analytics.devportalOperations(ctx),
    ],
  };
}

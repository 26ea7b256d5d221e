/** The publisher's operations on an API's revisions and where they are deployed. */
import { Scopes } from '@apim/contracts';
import { uuid } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { view, publish, apiIdParam } from './access.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { apiResource, loadApi } from './apis.js';
import {
  createRevision,
  deleteRevision,
  deployRevision,
  getRevision,
  listDeployments,
  listRevisions,
  restoreRevision,
  undeployRevision,
  type DeploymentTarget,
} from './revisions.js';

export function revisionOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;

  return [
    operation<unknown, { query?: string }>({
      method: 'get',
      path: '/apis/{apiId}/revisions',
      operationId: 'getAPIRevisions',
      summary: "The API's revisions",
      tag: 'API Revisions',
      access: view,
      params: apiIdParam,
      query: { properties: { query: { type: 'string' } } },
      responses: { 200: { description: 'Revisions', schema: ref('APIRevisionList') } },
      async handle({ params, query }) {
        const list = await listRevisions(prisma, params.apiId!, query.query === 'deployed:true');
        return { status: 200, body: { count: list.length, list } };
      },
    }),
    operation<{ description?: string }>({
      method: 'post',
      path: '/apis/{apiId}/revisions',
      operationId: 'createAPIRevision',
      summary: 'Take an immutable snapshot of the API (at most 5 are kept)',
      tag: 'API Revisions',
      access: [Scopes.apiCreate, Scopes.apiPublish],
      params: apiIdParam,
      body: { type: 'object', properties: { description: { type: 'string', maxLength: 255 } } },
      responses: { 201: { description: 'Created', schema: ref('APIRevision') } },
      async handle({ params, body }) {
        return { status: 201, body: await createRevision(prisma, params.apiId!, body.description) };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/revisions/{revisionId}',
      operationId: 'getAPIRevision',
      summary: 'One revision',
      tag: 'API Revisions',
      access: view,
      params: { ...apiIdParam, revisionId: uuid },
      responses: { 200: { description: 'The revision', schema: ref('APIRevision') } },
      async handle({ params }) {
        return { status: 200, body: await getRevision(prisma, params.apiId!, params.revisionId!) };
      },
    }),
    operation({
      method: 'delete',
      path: '/apis/{apiId}/revisions/{revisionId}',
      operationId: 'deleteAPIRevision',
      summary: 'Delete a revision that is not deployed',
      tag: 'API Revisions',
      access: [Scopes.apiCreate, Scopes.apiPublish],
      params: { ...apiIdParam, revisionId: uuid },
      responses: { 200: { description: 'The remaining revisions', schema: ref('APIRevisionList') } },
      async handle({ params }) {
        const list = await deleteRevision(prisma, params.apiId!, params.revisionId!);
        return { status: 200, body: { count: list.length, list } };
      },
    }),
    operation<unknown, { revisionId: string }>({
      method: 'post',
      path: '/apis/{apiId}/restore-revision',
      operationId: 'restoreAPIRevision',
      summary: "Make a revision's content the working copy again",
      tag: 'API Revisions',
      access: [Scopes.apiCreate, Scopes.apiPublish],
      params: apiIdParam,
      query: { properties: { revisionId: uuid }, required: ['revisionId'] },
      responses: { 201: { description: 'The restored API', schema: ref('API') } },
      async handle({ params, query }) {
        await restoreRevision(prisma, params.apiId!, query.revisionId);
        return { status: 201, body: await apiResource(prisma, await loadApi(prisma, params.apiId!)) };
      },
    }),
    operation<DeploymentTarget[], { revisionId: string }>({
      method: 'post',
      path: '/apis/{apiId}/deploy-revision',
      operationId: 'deployAPIRevision',
      summary: 'Deploy a revision to gateway environments',
      tag: 'API Revisions',
      access: publish,
      params: apiIdParam,
      query: { properties: { revisionId: uuid }, required: ['revisionId'] },
      body: { type: 'array', items: ref('APIRevisionDeployment'), minItems: 1 },
      responses: {
        201: {
          description: 'Where the revision now runs',
          schema: { type: 'array', items: ref('APIRevisionDeployment') },
        },
      },
      async handle({ params, query, body }) {
        return { status: 201, body: await deployRevision(prisma, params.apiId!, query.revisionId, body) };
      },
    }),
    operation<DeploymentTarget[], { revisionId: string; allEnvironments: boolean }>({
      method: 'post',
      path: '/apis/{apiId}/undeploy-revision',
      operationId: 'undeployAPIRevision',
      summary: 'Undeploy a revision from gateway environments',
      tag: 'API Revisions',
      access: publish,
      params: apiIdParam,
      query: {
        properties: { revisionId: uuid, allEnvironments: { type: 'boolean', default: false } },
        required: ['revisionId'],
      },
      body: { type: 'array', items: ref('APIRevisionDeployment') },
      responses: {
        201: {
          description: 'Where the revision still runs',
          schema: { type: 'array', items: ref('APIRevisionDeployment') },
        },
      },
      async handle({ params, query, body }) {
        return {
          status: 201,
          body: await undeployRevision(prisma, params.apiId!, query.revisionId, body, query.allEnvironments),
        };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/deployments',
      operationId: 'getAPIRevisionDeployments',
      summary: 'Where the API runs',
      tag: 'API Revisions',
      access: view,
      params: apiIdParam,
      responses: {
        200: { description: 'Deployments', schema: { type: 'array', items: ref('APIRevisionDeployment') } },
      },
      async handle({ params }) {
        return { status: 200, body: await listDeployments(prisma, params.apiId!) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

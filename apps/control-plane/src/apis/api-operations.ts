/** The publisher REST API (/api/am/publisher/v4): WSO2's paths and fields for what we implement. */
import { Scopes } from '@apim/contracts';
import { LIFECYCLE_ACTIONS, publisherComponents, uuid, type Publisher } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { badRequest } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import {
  componentValidator,
  operation,
  ref,
  callerOf,
  type JsonSchema,
  type OperationSpec,
  type RestApiDefinition,
} from '../http/rest-api.js';
import { documentResponse, exportOpenApi } from './openapi/operations.js';
import { apiInfoDto, lockApi, scopesOf, type ApiRow } from './api-model.js';
import { apiResource, copyApi, createApi, deleteApi, loadApi, replaceDefinition, updateApi } from './apis.js';
import {
  additionalPropertiesOf,
  IMPORT_FILE_FIELDS,
  importedApiInput,
  importFieldsSchema,
  contentsOf,
  parseImport,
  sourceOf,
  type ImportFields,
} from './import.js';
import { applyLifecycle, lifecycleState, TRANSITIONS, type LifecycleAction } from './lifecycle.js';
import { apiSearchWhere, findApiPage } from './search.js';
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
import { sharedScopeOperations } from './scopes.js';
import { clientCertificateOperations } from './client-certificates.js';
import { publisherSubscriptionOperations } from '../subscriptions/publisher-operations.js';
import { publisherDocumentOperations } from './documents.js';
import { publisherKeyManagerOperations } from '../key-managers/publisher-list.js';
import { analyticsOperations } from '../analytics/operations.js';

const view = [Scopes.apiView, Scopes.apiCreate, Scopes.apiPublish];
const create = [Scopes.apiCreate];
const publish = [Scopes.apiPublish];
const apiIdParam = { apiId: uuid };

export function publisherApi(ctx: AppContext): RestApiDefinition {
  const { prisma, config } = ctx;
  const validateApi = componentValidator(publisherComponents, 'API');
  /** The export declares the API's scopes with their role bindings, so that importing it recreates them. */
  const exportWithScopes = async (api: ApiRow) =>
    exportOpenApi(api, {
      scopes: (await scopesOf(prisma, api)).map(({ scope }) => ({
        name: scope.name,
        description: scope.description ?? '',
        roles: scope.bindings ?? [],
      })),
      tokenUrl: `${config.keyManagerUrl}/oauth2/token`,
    });

  const operations: OperationSpec<never, never>[] = [
    operation<unknown, Paging & { query?: string }>({
      method: 'get',
      path: '/apis',
      operationId: 'getAllAPIs',
      summary: 'List and search APIs',
      tag: 'APIs',
      access: view,
      query: { properties: { ...pagingQuery, query: { type: 'string', maxLength: 500 } } },
      responses: { 200: { description: 'A page of APIs', schema: ref('APIList') } },
      async handle({ query }) {
        const where = apiSearchWhere(query.query);
        const { total, rows } = await findApiPage(prisma, where, query);
        return {
          status: 200,
          body: page('/apis', rows.map(apiInfoDto), total, query, query.query ? { query: query.query } : {}),
        };
      },
    }),
    operation<Publisher.API, { openAPIVersion?: string }>({
      method: 'post',
      path: '/apis',
      operationId: 'createAPI',
      summary: 'Create an API',
      tag: 'APIs',
      access: create,
      body: ref('API'),
      responses: { 201: { description: 'Created', schema: ref('API') } },
      async handle(req) {
        const api = await createApi(prisma, callerOf(req), req.body);
        return { status: 201, body: api, headers: { location: `/api/am/publisher/v4/apis/${api.id}` } };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}',
      operationId: 'getAPI',
      summary: 'Get an API',
      tag: 'APIs',
      access: view,
      params: apiIdParam,
      responses: { 200: { description: 'The API', schema: ref('API') } },
      async handle({ params }) {
        return { status: 200, body: await apiResource(prisma, await loadApi(prisma, params.apiId!)) };
      },
    }),
    operation<Publisher.API>({
      method: 'put',
      path: '/apis/{apiId}',
      operationId: 'updateAPI',
      summary: 'Update an API (its working copy; create a revision to deploy the change)',
      tag: 'APIs',
      access: create,
      params: apiIdParam,
      body: ref('API'),
      responses: { 200: { description: 'The updated API', schema: ref('API') } },
      async handle({ params, body }) {
        return { status: 200, body: await updateApi(prisma, params.apiId!, body) };
      },
    }),
    operation({
      method: 'delete',
      path: '/apis/{apiId}',
      operationId: 'deleteAPI',
      summary: 'Delete an API without subscriptions',
      tag: 'APIs',
      access: [Scopes.apiDelete],
      params: apiIdParam,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params }) {
        await deleteApi(prisma, params.apiId!);
        return { status: 200 };
      },
    }),
    operation<ImportFields>({
      method: 'post',
      path: '/apis/import-openapi',
      operationId: 'importOpenAPIDefinition',
      summary: 'Create an API from an OpenAPI 2.0, 3.0 or 3.1 document (upload, inline or URL)',
      tag: 'APIs',
      access: create,
      multipart: { fields: importFieldsSchema, fileFields: IMPORT_FILE_FIELDS },
      responses: { 201: { description: 'Created', schema: ref('API') } },
      async handle(req) {
        const parsed = await parseImport(sourceOf(req.body, req.files), config.importUrlAllowlist);
        const input = importedApiInput(parsed, additionalPropertiesOf(req.body.additionalProperties));
        validateApi(input, 'additionalProperties');
        const api = await createApi(prisma, callerOf(req), input, {
          definition: parsed.document,
          ...contentsOf(parsed),
        });
        return { status: 201, body: api, headers: { location: `/api/am/publisher/v4/apis/${api.id}` } };
      },
    }),
    operation<ImportFields>({
      method: 'post',
      path: '/apis/validate-openapi',
      operationId: 'validateOpenAPIDefinition',
      summary: 'Check an OpenAPI document without creating anything',
      tag: 'Validation',
      access: create,
      multipart: { fields: importFieldsSchema, fileFields: IMPORT_FILE_FIELDS },
      responses: { 200: { description: 'The verdict', schema: ref('OpenAPIDefinitionValidationResponse') } },
      async handle({ body, files }) {
        try {
          const parsed = await parseImport(sourceOf(body, files), config.importUrlAllowlist);
          const info = (parsed.document.info ?? {}) as Record<string, unknown>;
          return {
            status: 200,
            body: {
              isValid: true,
              info: {
                name: info.title,
                version: info.version,
                description: info.description,
                openAPIVersion: parsed.specVersion,
              },
              errors: [],
            },
          };
        } catch (e) {
          const description = (e as Error).message;
          return {
            status: 200,
            body: { isValid: false, errors: [{ code: 400, message: 'Invalid definition', description }] },
          };
        }
      },
    }),
    operation<unknown, { format: 'json' | 'yaml' }>({
      method: 'get',
      path: '/apis/{apiId}/swagger',
      operationId: 'getAPISwagger',
      summary: "The API's OpenAPI document, with its settings as x-wso2 extensions",
      tag: 'APIs',
      access: view,
      params: apiIdParam,
      query: { properties: { format: { enum: ['json', 'yaml'], default: 'json' } } },
      responses: {
        200: {
          description: 'The document',
          schema: { type: 'object' },
          contentTypes: ['application/json', 'application/yaml'],
        },
      },
      async handle({ params, query }) {
        const doc = await exportWithScopes(await loadApi(prisma, params.apiId!));
        return documentResponse(doc, query.format);
      },
    }),
    operation<ImportFields & { apiDefinition?: string }>({
      method: 'put',
      path: '/apis/{apiId}/swagger',
      operationId: 'updateAPISwagger',
      summary: "Replace the API's OpenAPI document (and its operations)",
      tag: 'APIs',
      access: create,
      params: apiIdParam,
      multipart: {
        fields: {
          ...importFieldsSchema,
          properties: { ...importFieldsSchema.properties, apiDefinition: { type: 'string', minLength: 1 } },
        },
        fileFields: IMPORT_FILE_FIELDS,
      },
      responses: { 200: { description: 'The new document', schema: { type: 'object' } } },
      async handle({ params, body, files }) {
        const fields = { ...body, inlineAPIDefinition: body.apiDefinition ?? body.inlineAPIDefinition };
        const parsed = await parseImport(sourceOf(fields, files), config.importUrlAllowlist);
        const api = await replaceDefinition(prisma, params.apiId!, parsed.document, contentsOf(parsed));
        return { status: 200, body: await exportWithScopes(api) };
      },
    }),
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
    operation<unknown, { apiId: string; newVersion: string; defaultVersion: boolean }>({
      method: 'post',
      path: '/apis/copy-api',
      operationId: 'createNewAPIVersion',
      summary: 'Create a new version of an API',
      tag: 'APIs',
      access: create,
      query: {
        properties: {
          apiId: uuid,
          newVersion: (publisherComponents.API!.properties as Record<string, JsonSchema>).version!,
          defaultVersion: { type: 'boolean', default: false },
        },
        required: ['apiId', 'newVersion'],
      },
      responses: { 201: { description: 'The new version', schema: ref('API') } },
      async handle(req) {
        const { query } = req;
        const api = await copyApi(prisma, callerOf(req), query.apiId, query.newVersion, query.defaultVersion);
        return { status: 201, body: api, headers: { location: `/api/am/publisher/v4/apis/${api.id}` } };
      },
    }),
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
    ...sharedScopeOperations(ctx),
    ...publisherSubscriptionOperations(ctx),
    ...publisherDocumentOperations(ctx),
    ...clientCertificateOperations(ctx),
    ...publisherKeyManagerOperations(ctx),
    ...analyticsOperations(ctx, 'publisher'),
  ] as OperationSpec<never, never>[];

  return {
    title: 'Publisher API',
    version: 'v4',
    description:
      'Create, import, version, revise, deploy and publish APIs (WSO2 API Manager publisher v4 subset).',
    basePath: '/api/am/publisher/v4',
    schemas: publisherComponents,
    operations,
  };
}

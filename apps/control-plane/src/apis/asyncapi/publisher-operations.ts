/** The publisher's operations on async APIs' AsyncAPI documents: import, validate, read and replace. */
import { publisherComponents } from '@apim/rest-contract';
import type { AppContext } from '../../context.js';
import { callerOf, componentValidator, operation, ref, type OperationSpec } from '../../http/rest-api.js';
import { apiIdParam, create, view } from '../access.js';
import { requireApiType } from '../api-type.js';
import { createApi, loadApi, replaceDefinition } from '../apis.js';
import {
  additionalPropertiesOf,
  IMPORT_FILE_FIELDS,
  importFieldsSchema,
  replacementMultipart,
  replacementSource,
  sourceOf,
  type ReplacementFields,
  type ImportFields,
} from '../import.js';
import { documentResponse } from '../openapi/operations.js';
import { OpenApiError } from '../openapi/parse.js';
import { ASYNC_API_TYPES, typeOfDocument, type AsyncApiType } from './channels.js';
import { asyncApiOf } from './document.js';
import { asyncOperationsOf, importedAsyncApiInput, parseAsyncApiImport } from './import.js';
import { AsyncApiError, parseAsyncApi } from './parse.js';

const formatQuery = { properties: { format: { enum: ['json', 'yaml'], default: 'json' } } };

/** WSO2's AsyncAPISpecificationValidationResponse. */
const validationResponse = {
  type: 'object',
  required: ['isValid', 'errors'],
  properties: {
    isValid: { type: 'boolean' },
    info: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        version: { type: 'string' },
        description: { type: 'string' },
        asyncAPIVersion: { type: 'string' },
        protocol: { type: 'string' },
        type: { enum: [...ASYNC_API_TYPES] },
        endpoints: { type: 'array', items: { type: 'string' } },
      },
    },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'integer' },
          message: { type: 'string' },
          description: { type: 'string' },
        },
      },
    },
  },
} as const;

export function asyncApiPublisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma, config } = ctx;
  const validateApi = componentValidator(publisherComponents, 'API');
  const multipart = { fields: importFieldsSchema, fileFields: IMPORT_FILE_FIELDS };

  return [
    operation<ImportFields>({
      method: 'post',
      path: '/apis/import-asyncapi',
      operationId: 'importAsyncAPISpecification',
      summary:
        'Create a WebSocket, SSE or WebSub API from an AsyncAPI 2.x or 3.x document (upload, inline or URL)',
      tag: 'APIs',
      access: create,
      multipart,
      responses: { 201: { description: 'Created', schema: ref('API') } },
      async handle(req) {
        const parsed = await parseAsyncApiImport(sourceOf(req.body, req.files), config.importUrlAllowlist);
        const given = additionalPropertiesOf(req.body.additionalProperties);
        const { input, operations } = importedAsyncApiInput(parsed, given);
        validateApi(input, 'additionalProperties');
        const api = await createApi(prisma, callerOf(req), input, {
          definition: parsed.document,
          operations,
          scopes: [],
        });
        return { status: 201, body: api, headers: { location: `/api/am/publisher/v4/apis/${api.id}` } };
      },
    }),
    operation<ImportFields>({
      method: 'post',
      path: '/apis/validate-asyncapi',
      operationId: 'validateAsyncAPISpecification',
      summary: 'Check an AsyncAPI document without creating anything: its diagnostics, or what it describes',
      tag: 'Validation',
      access: create,
      multipart,
      responses: { 200: { description: 'The verdict', schema: validationResponse } },
      async handle({ body, files }) {
        try {
          const { model } = await parseAsyncApi(sourceOf(body, files), config.importUrlAllowlist);
          const servers = model.servers().all();
          return {
            status: 200,
            body: {
              isValid: true,
              info: {
                name: model.info().title(),
                version: model.info().version(),
                description: model.info().description() ?? '',
                asyncAPIVersion: model.version(),
                protocol: servers[0]?.protocol() ?? '',
                ...(typeOfDocument(model) ? { type: typeOfDocument(model) } : {}),
                endpoints: servers.map((s) => s.url()),
              },
              errors: [],
            },
          };
        } catch (e) {
          if (e instanceof OpenApiError)
            return {
              status: 200,
              body: { isValid: false, errors: [{ code: 400, message: '/', description: e.message }] },
            };
          if (!(e instanceof AsyncApiError)) throw e;
          const errors = e.problems.map((p) => ({
            code: 400,
            message: p.path || '/',
            description: p.message,
          }));
          return { status: 200, body: { isValid: false, errors } };
        }
      },
    }),
    operation<unknown, { format: 'json' | 'yaml' }>({
      method: 'get',
      path: '/apis/{apiId}/asyncapi',
      operationId: 'getAPIAsyncAPIDefinition',
      summary: "An async API's AsyncAPI document (imported, or made from its channels)",
      tag: 'APIs',
      access: view,
      params: apiIdParam,
      query: formatQuery,
      responses: {
        200: {
          description: 'The document',
          schema: { type: 'object' },
          contentTypes: ['application/json', 'application/yaml'],
        },
      },
      async handle({ params, query }) {
        const api = await loadApi(prisma, params.apiId!);
        asyncTypeOfApi(api);
        return documentResponse(asyncApiOf(api), query.format);
      },
    }),
    operation<ReplacementFields>({
      method: 'put',
      path: '/apis/{apiId}/asyncapi',
      operationId: 'updateAPIAsyncAPIDefinition',
      summary: "Replace an async API's AsyncAPI document, and its channels (operations) with the document's",
      tag: 'APIs',
      access: create,
      params: apiIdParam,
      multipart: replacementMultipart,
      responses: { 200: { description: 'The new document', schema: { type: 'object' } } },
      async handle({ params, body, files }) {
        const type = asyncTypeOfApi(await loadApi(prisma, params.apiId!));
        const parsed = await parseAsyncApiImport(replacementSource(body, files), config.importUrlAllowlist);
        const operations = asyncOperationsOf(parsed, type);
        const api = await replaceDefinition(prisma, params.apiId!, parsed.document, {
          operations,
          scopes: [],
        });
        return { status: 200, body: asyncApiOf(api) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** The API's type when it is an async one; else a 409 naming the document it has. */
export function asyncTypeOfApi(api: { id: string; type: string }): AsyncApiType {
  requireApiType(api, ASYNC_API_TYPES, 'AsyncAPI document');
  return api.type;
}

/** The publisher's operations on an API's OpenAPI definition: import, validate, read and replace it. */
import { publisherComponents } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { view, create, apiIdParam } from './access.js';
import { requireApiType } from './api-type.js';
import { componentValidator, operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import { documentResponse, exportOpenApi } from './openapi/operations.js';
import { lintedText, lintOpenApi } from './openapi/lint.js';
import { scopesOf, type ApiRow } from './api-model.js';
import { loadApi } from './apis.js';
import { createImportedApi, replaceImportedDefinition } from './import-scopes.js';
import {
  additionalPropertiesOf,
  IMPORT_FILE_FIELDS,
  importedApiInput,
  importFieldsSchema,
  contentsOf,
  parseImport,
  replacementMultipart,
  replacementSource,
  sourceOf,
  type ReplacementFields,
  type ImportFields,
} from './import.js';

/**
 * Only a REST API has an OpenAPI document: the export of another would list none of its channels or
 * fields, so its caller is sent to the document that describes it.
 */
function restApi(api: ApiRow): ApiRow {
  requireApiType(api, ['HTTP'], 'OpenAPI document');
  return api;
}

/** No text to lint (a URL that could not be read): no findings. */
const lintOf = async (text: string | undefined) => (text === undefined ? [] : lintOpenApi(text));

export function definitionOperations(ctx: AppContext): OperationSpec<never, never>[] {
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

  return [
    operation<ImportFields>({
      method: 'post',
      path: '/apis/import-openapi',
      operationId: 'importOpenAPIDefinition',
      summary: 'Create an API from an OpenAPI 2.0, 3.0 or 3.1 document (upload, inline or URL)',
      tag: 'APIs',
      access: create,
      multipart: { fields: importFieldsSchema, fileFields: IMPORT_FILE_FIELDS },
      responses: { 201: { description: 'Created', schema: ref('ImportedAPI') } },
      async handle(req) {
        const source = sourceOf(req.body, req.files);
        const parsed = await parseImport(source, config.importUrlAllowlist);
        const input = importedApiInput(parsed, additionalPropertiesOf(req.body.additionalProperties));
        validateApi(input, 'additionalProperties');
        // Linted before anything is written: its findings are reported, never a reason to refuse.
        const lint = await lintOf(lintedText(source, parsed.document));
        // scopes another API owns are renamed for this one, each named in a warning
        const { api, warnings } = await createImportedApi(prisma, callerOf(req), input, {
          definition: parsed.document,
          ...contentsOf(parsed),
        });
        return {
          status: 201,
          body: { ...api, lint, warnings },
          headers: { location: `/api/am/publisher/v4/apis/${api.id}` },
        };
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
        const source = sourceOf(body, files);
        try {
          const parsed = await parseImport(source, config.importUrlAllowlist);
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
              lint: await lintOf(lintedText(source, parsed.document)),
            },
          };
        } catch (e) {
          const description = (e as Error).message;
          // The linter places what it can (a YAML syntax error, a schema violation) at its line:
          // the definition editor marks those where they are.
          return {
            status: 200,
            body: {
              isValid: false,
              errors: [{ code: 400, message: 'Invalid definition', description }],
              lint: await lintOf(lintedText(source)),
            },
          };
        }
      },
    }),
    operation<unknown, { format: 'json' | 'yaml' }>({
      method: 'get',
      path: '/apis/{apiId}/swagger',
      operationId: 'getAPISwagger',
      summary:
        "A REST API's OpenAPI document, with its settings as x-wso2 extensions (409 for GraphQL and async APIs)",
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
        const doc = await exportWithScopes(restApi(await loadApi(prisma, params.apiId!)));
        return documentResponse(doc, query.format);
      },
    }),
    operation<ReplacementFields>({
      method: 'put',
      path: '/apis/{apiId}/swagger',
      operationId: 'updateAPISwagger',
      summary: "Replace the API's OpenAPI document (and its operations)",
      tag: 'APIs',
      access: create,
      params: apiIdParam,
      multipart: replacementMultipart,
      responses: { 200: { description: 'The new document', schema: { type: 'object' } } },
      async handle({ params, body, files }) {
        const parsed = await parseImport(replacementSource(body, files), config.importUrlAllowlist);
        const { api } = await replaceImportedDefinition(prisma, params.apiId!, {
          definition: parsed.document,
          ...contentsOf(parsed),
        });
        return { status: 200, body: await exportWithScopes(api) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** WSO2's GraphQL schema endpoints: import, validate, read and replace (publisher), read (devportal). */
import { publisherComponents, type Publisher } from '@apim/rest-contract';
import type { AppContext } from '../../context.js';
import { callerOf, componentValidator, operation, ref, type OperationSpec } from '../../http/rest-api.js';
import { visibleApi } from '../../catalog/catalog.js';
import { apiIdParam, create, view } from '../access.js';
import { requireApiType } from '../api-type.js';
import { createApi } from '../apis.js';
import { additionalPropertiesOf } from '../import.js';
import { parseSdl, rootFields, schemaOperations, SdlError } from './sdl.js';
import {
  checkedSchema,
  graphqlApi,
  replaceSchema,
  schemaDto,
  schemaFieldsSchema,
  sdlOf,
  type SchemaFields,
} from './schema-store.js';

const graphqlSchemaResource = {
  type: 'object',
  required: ['name', 'schemaDefinition'],
  properties: { name: { type: 'string' }, schemaDefinition: { type: 'string' } },
} as const;

/** WSO2's GraphQLValidationResponse, with each problem's line and column when the SDL is invalid. */
const validationResponse = {
  type: 'object',
  required: ['isValid'],
  properties: {
    isValid: { type: 'boolean' },
    errorMessage: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { message: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } },
      },
    },
    graphQLInfo: { type: 'object' },
  },
} as const;

const multipart = { fields: schemaFieldsSchema, fileFields: ['file'] };

export function graphqlPublisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;
  const validateApi = componentValidator(publisherComponents, 'API');
  return [
    operation<SchemaFields>({
      method: 'post',
      path: '/apis/import-graphql-schema',
      operationId: 'importGraphQLSchema',
      summary:
        'Create a GraphQL API from its schema (SDL): one operation per field of Query, Mutation and Subscription',
      tag: 'APIs',
      access: create,
      multipart,
      responses: { 201: { description: 'Created', schema: ref('API') } },
      async handle(req) {
        const sdl = sdlOf(req.body, req.files);
        const schema = checkedSchema(sdl);
        const input = { ...additionalPropertiesOf(req.body.additionalProperties), type: 'GRAPHQL' as const };
        validateApi(input, 'additionalProperties');
        // the schema has checked it
        const api = await createApi(prisma, callerOf(req), input as Publisher.API, {
          operations: schemaOperations(schema),
          graphqlSchema: sdl,
        });
        return { status: 201, body: api, headers: { location: `/api/am/publisher/v4/apis/${api.id}` } };
      },
    }),
    operation<SchemaFields>({
      method: 'post',
      path: '/apis/validate-graphql-schema',
      operationId: 'validateGraphQLSchema',
      summary: 'Check a GraphQL schema (SDL) without creating anything',
      tag: 'Validation',
      access: create,
      multipart,
      responses: { 200: { description: 'The verdict', schema: validationResponse } },
      async handle({ body, files }) {
        const sdl = sdlOf(body, files);
        try {
          const operations = rootFields(parseSdl(sdl)).map(({ verb, field }) => ({ verb, target: field }));
          return {
            status: 200,
            body: { isValid: true, graphQLInfo: { operations, graphQLSchema: { schemaDefinition: sdl } } },
          };
        } catch (e) {
          if (!(e instanceof SdlError)) throw e;
          return { status: 200, body: { isValid: false, errorMessage: e.message, errors: e.problems } };
        }
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/graphql-schema',
      operationId: 'getAPIGraphQLSchema',
      summary: "The GraphQL API's schema (SDL)",
      tag: 'APIs',
      access: view,
      params: apiIdParam,
      responses: { 200: { description: 'The schema', schema: graphqlSchemaResource } },
      async handle({ params }) {
        return { status: 200, body: schemaDto(await graphqlApi(prisma, params.apiId!)) };
      },
    }),
    operation<SchemaFields>({
      method: 'put',
      path: '/apis/{apiId}/graphql-schema',
      operationId: 'updateAPIGraphQLSchema',
      summary: "Replace the GraphQL API's schema (SDL), and its operations with the schema's root fields",
      tag: 'APIs',
      access: create,
      params: apiIdParam,
      multipart,
      responses: { 200: { description: 'The new schema', schema: graphqlSchemaResource } },
      async handle({ params, body, files }) {
        return {
          status: 200,
          body: schemaDto(await replaceSchema(prisma, params.apiId!, sdlOf(body, files))),
        };
      },
    }),
  ] as OperationSpec<never, never>[];
}

export function graphqlDevportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;
  return [
    operation({
      method: 'get',
      path: '/apis/{apiId}/graphql-schema',
      operationId: 'apisApiIdGraphqlSchemaGet',
      summary: "The GraphQL API's schema (SDL), for its GraphiQL try-it",
      tag: 'APIs',
      access: 'public',
      params: apiIdParam,
      responses: { 200: { description: 'The schema', schema: graphqlSchemaResource } },
      async handle({ principal, params }) {
        const api = await visibleApi(prisma, principal, params.apiId!);
        requireApiType(api, ['GRAPHQL'], 'GraphQL schema');
        return { status: 200, body: schemaDto(api) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** Reading and replacing a GraphQL API's schema, and the request fields that carry one. */
import type { PrismaClient } from '@apim/db';
import { badRequest, HttpError } from '../../http/errors.js';
import { requireApiType } from '../api-type.js';
import { checkReferences, lockApi, writeOperations, type ApiRow } from '../api-model.js';
import { loadApi, stripRow } from '../apis.js';
import { parseSdl, schemaOperations, SdlError } from './sdl.js';

export interface SchemaFields {
  /** the SDL as text (WSO2's PUT /graphql-schema field) */
  schemaDefinition?: string;
  additionalProperties?: string;
}

export const schemaFieldsSchema = {
  type: 'object',
  properties: {
    schemaDefinition: { type: 'string', minLength: 1, description: 'the schema (SDL), instead of a file' },
    additionalProperties: {
      type: 'string',
      description: 'the API resource (JSON) to create with the schema',
    },
  },
} as const;

/**
 * The SDL of a request: its uploaded .graphql file, or its schemaDefinition field, with \n line ends
 * (a form's text field arrives with CRLF, as HTML forms send them).
 */
export function sdlOf(fields: SchemaFields, files: Express.Multer.File[]): string {
  const given = files.length + (fields.schemaDefinition ? 1 : 0);
  if (given !== 1)
    throw badRequest('Give the schema (SDL) once: an uploaded file (file) or schemaDefinition');
  return (fields.schemaDefinition ?? files[0]!.buffer.toString('utf8')).replace(/\r\n?/g, '\n');
}

/** The schema the SDL describes, or a 400 naming each problem with its line and column. */
export function checkedSchema(sdl: string) {
  try {
    return parseSdl(sdl);
  } catch (e) {
    if (e instanceof SdlError) throw badRequest(e.message);
    throw e;
  }
}

/** A GraphQL API's row, or 404 for another API's id and 409 for an API of another type. */
export async function graphqlApi(db: PrismaClient, apiId: string): Promise<ApiRow> {
  const api = await loadApi(db, apiId);
  requireApiType(api, ['GRAPHQL'], 'GraphQL schema');
  return api;
}

/** WSO2's GraphQLSchema resource. */
export const schemaDto = (api: ApiRow) => ({ name: api.name, schemaDefinition: api.graphqlSchema ?? '' });

/**
 * Replaces the API's schema and, from it, its operations: fields that remain keep their auth,
 * scopes and tier, new ones are added, removed ones go.
 */
export async function replaceSchema(prisma: PrismaClient, apiId: string, sdl: string): Promise<ApiRow> {
  const schema = checkedSchema(sdl);
  return prisma.$transaction(async (tx) => {
    await lockApi(tx, apiId);
    const current = await loadApi(tx, apiId);
    requireApiType(current, ['GRAPHQL'], 'GraphQL schema');
    if (current.lifecycleStatus === 'RETIRED') throw new HttpError(409, 'A retired API cannot be changed');
    const operations = schemaOperations(schema, current.operations.map(stripRow));
    await checkReferences(tx, current, operations);
    await tx.api.update({ where: { id: apiId }, data: { graphqlSchema: sdl } });
    await writeOperations(tx, apiId, operations);
    return loadApi(tx, apiId);
  });
}

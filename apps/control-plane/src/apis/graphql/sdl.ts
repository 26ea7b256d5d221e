/** A GraphQL schema (SDL) as the publisher gives it: checked, and its root fields as operations. */
import { buildASTSchema, parse, validateSchema, type GraphQLError, type GraphQLSchema } from 'graphql';
// not re-exported from graphql's index: the SDL rules (unknown types, duplicate names...) with their locations
import { validateSDL } from 'graphql/validation/validate.js';
import type { GraphQLVerb } from '@apim/contracts';
import type { OperationDraft } from '../openapi/operations.js';

export interface SdlProblem {
  message: string;
  line?: number;
  column?: number;
}

/** An SDL the schema builder refuses, with each of graphql's errors where it is. */
export class SdlError extends Error {
  constructor(readonly problems: SdlProblem[]) {
    super(
      `The GraphQL schema is invalid: ${problems
        .map((p) => (p.line ? `${p.message} (line ${p.line}, column ${p.column})` : p.message))
        .join('; ')}`,
    );
  }
}

const problemsOf = (errors: readonly GraphQLError[]): SdlProblem[] =>
  errors.map((e) => ({ message: e.message, ...e.locations?.[0] }));

/** The schema an SDL describes; throws SdlError naming every problem, with its line and column. */
export function parseSdl(sdl: string): GraphQLSchema {
  let document;
  try {
    document = parse(sdl);
  } catch (e) {
    throw new SdlError(problemsOf([e as GraphQLError]));
  }
  const sdlErrors = validateSDL(document);
  if (sdlErrors.length) throw new SdlError(problemsOf(sdlErrors));
  const schema = buildASTSchema(document, { assumeValidSDL: true });
  const schemaErrors = validateSchema(schema);
  if (schemaErrors.length) throw new SdlError(problemsOf(schemaErrors));
  return schema;
}

/** Every field of the Query, Mutation and Subscription types, in the schema's order. */
export function rootFields(schema: GraphQLSchema): Array<{ verb: GraphQLVerb; field: string }> {
  const roots = [
    ['QUERY', schema.getQueryType()],
    ['MUTATION', schema.getMutationType()],
    ['SUBSCRIPTION', schema.getSubscriptionType()],
  ] as const;
  return roots.flatMap(([verb, type]) =>
    type ? Object.keys(type.getFields()).map((field) => ({ verb, field })) : [],
  );
}

/**
 * The API's operations for a schema: one per root field (WSO2's per-field operations), keeping the
 * auth, scopes and tier an operation of the same field had; a new field is authenticated, unscoped.
 */
export function schemaOperations(
  schema: GraphQLSchema,
  current: readonly OperationDraft[] = [],
): OperationDraft[] {
  const kept = new Map(current.map((o) => [`${o.verb} ${o.target}`, o]));
  return rootFields(schema).map(
    ({ verb, field }) =>
      kept.get(`${verb} ${field}`) ?? {
        verb,
        target: field,
        authEnabled: true,
        scopes: [],
        throttlingPolicy: null,
      },
  );
}

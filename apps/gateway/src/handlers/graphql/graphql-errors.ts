import { GatewayErrors, type GatewayErrorName } from '@apim/contracts';
import type { GraphQLError } from './graphql-js.js';
import type { GatewayResponse } from '../../pipeline/types.js';

/** One error in GraphQL's response shape, WSO2's code and details in its extensions. */
export interface GraphqlErrorEntry {
  message: string;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  extensions: Record<string, unknown>;
}

/** A gateway answer in GraphQL's own shape: `{"errors": [...]}`, with the registry's status and code. */
export function graphqlErrorResponse(
  name: GatewayErrorName,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): GatewayResponse {
  const e = GatewayErrors[name];
  return errorsResponse(e.status, [{ message, extensions: { code: e.code, ...details } }], headers, name);
}

/** A document the schema refuses: each of graphql's errors with its line and column. */
export function invalidDocument(errors: readonly GraphQLError[]): GatewayResponse {
  const code = GatewayErrors.GRAPHQL_INVALID_QUERY.code;
  return errorsResponse(
    GatewayErrors.GRAPHQL_INVALID_QUERY.status,
    errors.map((e) => ({
      message: e.message,
      ...(e.locations ? { locations: e.locations } : {}),
      extensions: { code },
    })),
    {},
    'GRAPHQL_INVALID_QUERY',
  );
}

/**
 * Apollo's automatic persisted queries: a hash the gateway does not know (yet) is answered 200 with
 * this error, which tells clients to send the query with its hash once.
 */
export function persistedQueryNotFound(): GatewayResponse {
  return errorsResponse(200, [
    { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
  ]);
}

function errorsResponse(
  status: number,
  errors: GraphqlErrorEntry[],
  headers: Record<string, string> = {},
  error?: GatewayErrorName,
): GatewayResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify({ errors }),
    ...(error ? { error } : {}),
  };
}

/**
 * A graphql-ws `error` message for subscription `id`, carrying the errors of a refusal this module
 * made (so its body is GraphQL's `{"errors": [...]}`): the subscription is refused, the socket open.
 */
export function subscribeError(id: string, refusal: GatewayResponse): string {
  const { errors } = JSON.parse(String(refusal.body)) as { errors: GraphqlErrorEntry[] };
  return JSON.stringify({ id, type: 'error', payload: errors });
}

/**
 * A request for what an API of another type does not have (an OpenAPI document of a GraphQL API,
 * an AsyncAPI document of a REST API...) is a conflict with the API's state: 409 everywhere, the
 * publisher's and developer portal's paths alike, naming the document the API does have.
 */
import type { ApiType } from '@apim/contracts';
import { conflict } from '../http/errors.js';

/** Each type's own document and the path (under /apis/{apiId}) it is read at. */
const OWN_DOCUMENT: Record<ApiType, { name: string; path: string }> = {
  HTTP: { name: 'OpenAPI document', path: 'swagger' },
  GRAPHQL: { name: 'GraphQL schema', path: 'graphql-schema' },
  WS: { name: 'AsyncAPI document', path: 'asyncapi' },
  SSE: { name: 'AsyncAPI document', path: 'asyncapi' },
  WEBSUB: { name: 'AsyncAPI document', path: 'asyncapi' },
};

/** Throws 409 unless the API is of one of `types`, which have the `document` asked for. */
export function requireApiType<T extends ApiType>(
  api: { id: string; type: string },
  types: readonly T[],
  document: string,
): asserts api is { id: string; type: T } {
  if ((types as readonly string[]).includes(api.type)) return;
  const own = OWN_DOCUMENT[api.type as ApiType];
  throw conflict(
    `The API is of type ${api.type} and has no ${document}; read its ${own.name}: GET /apis/${api.id}/${own.path}`,
  );
}

/**
 * The kinds of API besides REST, in words, and the developer portal's page that describes each: an
 * OpenAPI document and its try-it cannot, so a GraphQL API has its schema and GraphiQL, and the
 * async ones their AsyncAPI channels (and, for WebSocket, a socket try-it).
 */
import type { API_TYPES } from '@apim/rest-contract';

type ApiType = (typeof API_TYPES)[number];

const API_TYPE_NAMES: Record<ApiType, string> = {
  HTTP: 'REST API',
  WS: 'WebSocket API',
  SSE: 'Server-Sent Events API',
  WEBSUB: 'WebSub API',
  GRAPHQL: 'GraphQL API',
};

/** An API's type as the REST API answers it; REST when it names none. */
const apiTypeOf = (api: { type?: string }): ApiType =>
  (api.type && api.type in API_TYPE_NAMES ? api.type : 'HTTP') as ApiType;

/** The kind of a GraphQL or async API, as a badge beside its name; nothing for REST, the usual kind. */
export function ApiTypeBadge({ api }: { api: { type?: string } }) {
  const type = apiTypeOf(api);
  return type === 'HTTP' ? null : <span className="badge">{API_TYPE_NAMES[type]}</span>;
}

/** The page describing an API of another kind than REST, and its tab's words; none for REST. */
export function definitionPage(api: {
  id: string;
  type?: string;
}): { to: string; label: string } | undefined {
  const type = apiTypeOf(api);
  if (type === 'HTTP') return undefined;
  if (type === 'GRAPHQL') return { to: `/devportal/apis/${api.id}/graphql`, label: 'Schema and GraphiQL' };
  return {
    to: `/devportal/apis/${api.id}/asyncapi`,
    label: type === 'WS' ? 'Channels and try-it' : 'Channels',
  };
}

/** A GraphQL request as GraphQL over HTTP sends it: a JSON body (POST) or URL parameters (GET). */
import type { RequestContext } from '../../pipeline/types.js';

export interface GraphqlRequest {
  /** absent when only a persisted query's hash is sent */
  query?: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** Apollo's `extensions.persistedQuery.sha256Hash` */
  persistedHash?: string;
}

type Fields = Record<string, unknown>;

/** The request's fields, or a message saying what is wrong with them. */
export async function readGraphqlRequest(ctx: RequestContext): Promise<GraphqlRequest | string> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') {
    const params = new URLSearchParams(ctx.target.query);
    const fields: Fields = {};
    for (const name of ['query', 'operationName'] as const) {
      const v = params.get(name);
      if (v !== null) fields[name] = v;
    }
    for (const name of ['variables', 'extensions'] as const) {
      const v = params.get(name);
      if (v === null) continue;
      try {
        fields[name] = JSON.parse(v);
      } catch {
        return `The '${name}' parameter is not JSON`;
      }
    }
    return graphqlRequestOf(fields);
  }
  const body = await ctx.body();
  if (
    body.kind !== 'json' ||
    typeof body.value !== 'object' ||
    body.value === null ||
    Array.isArray(body.value)
  )
    return 'A GraphQL request is a JSON object {"query", "variables", "operationName"} sent as application/json';
  return graphqlRequestOf(body.value as Fields);
}

/** The fields of a request (or of a graphql-ws subscribe's payload), checked. */
export function graphqlRequestOf(f: Fields): GraphqlRequest | string {
  if (f.query !== undefined && typeof f.query !== 'string') return "'query' must be a string";
  if (f.operationName !== undefined && f.operationName !== null && typeof f.operationName !== 'string')
    return "'operationName' must be a string";
  const variables = f.variables ?? {};
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables))
    return "'variables' must be an object";
  const persisted = (f.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  const hash = persisted?.sha256Hash;
  if (persisted && (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)))
    return "'extensions.persistedQuery.sha256Hash' must be a SHA-256 in hex";
  return {
    ...(typeof f.query === 'string' ? { query: f.query } : {}),
    ...(typeof f.operationName === 'string' ? { operationName: f.operationName } : {}),
    variables: variables as Record<string, unknown>,
    ...(typeof hash === 'string' ? { persistedHash: hash.toLowerCase() } : {}),
  };
}

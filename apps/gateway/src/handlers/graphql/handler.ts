import { buildSchema, type DocumentNode, type GraphQLSchema } from './graphql-js.js';
import type { GatewayApi } from '@apim/contracts';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import { DeploymentError } from '../../pipeline/deployment-error.js';
import type { GatewayResponse, Outcome, RequestContext } from '../../pipeline/types.js';
import { isWebSocketHandshake } from '../../transport/upgrade.js';
import { policyKey } from '../../store/state.js';
import { selectOperation, type SelectedOperation } from './analysis.js';
import { complexityOf } from './complexity.js';
import { DocumentCache, queryHash } from './document-cache.js';
import { graphqlErrorResponse, invalidDocument, persistedQueryNotFound } from './graphql-errors.js';
import { readGraphqlRequest, type GraphqlRequest } from './request.js';
import { onSubscribeMessage } from './subscribe-message.js';
import { schema, type GraphqlConfig } from './schema.js';
import { graphqlServices, type GraphqlServices } from './services.js';
import { refusalHeaders } from '../throttling/counters.js';
import { callerTier, take } from './tier-limits.js';

/** documents kept per API and worker, parsed and validated */
const DOCUMENTS_PER_API = 1000;
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

const fieldKey = (verb: string, field: string) => `${verb} ${field}`;

/** `mediationPolicies.graphql.introspection: false` turns introspection off for the API */
function introspectionAllowed(api: GatewayApi): boolean {
  const settings = (api.mediationPolicies as { graphql?: { introspection?: unknown } } | null)?.graphql;
  return settings?.introspection !== false;
}

/**
 * GraphQL APIs (WSO2's GRAPHQL type): each request's document is parsed and validated once against
 * the API's schema (cached by its hash), and its operation's root fields are its operations: each
 * field's scopes (403 900910 naming the field) and advanced tier apply, the subscription tier's
 * depth and complexity limits (900820, 900821), and the complexity is charged to the tier's
 * request-count quota (the throttling handler counted 1 of it). Apollo's persisted queries are
 * answered from the same cache. Errors come in GraphQL's shape with WSO2's codes in `extensions`.
 */
export const graphql: HandlerModule<GraphqlConfig, GraphqlServices> = {
  name: 'graphql',
  schema,
  init: graphqlServices,
  configOf(api) {
    if (api.type !== 'GRAPHQL' || !api.graphqlSchema) return null;
    const fields: GraphqlConfig['fields'] = {};
    for (const op of api.operations)
      fields[fieldKey(op.verb, op.target)] = { scopes: op.scopes, throttlingPolicy: op.throttlingPolicy };
    return { apiId: api.id, sdl: api.graphqlSchema, introspection: introspectionAllowed(api), fields };
  },
  create(config, services) {
    let built: GraphQLSchema;
    try {
      built = buildSchema(config.sdl);
    } catch (e) {
      throw new DeploymentError(`graphql: the API's schema does not build: ${(e as Error).message}`);
    }
    const api = { config, services, schema: built, documents: new DocumentCache(built, DOCUMENTS_PER_API) };
    return {
      name: 'graphql',
      needsBody: true,
      onRequest: (ctx) => onGraphqlRequest(ctx, api),
      onMessage: (ctx, message) => onSubscribeMessage(ctx, message, api),
    };
  },
};

export interface GraphqlApi {
  config: GraphqlConfig;
  services: GraphqlServices;
  schema: GraphQLSchema;
  documents: DocumentCache;
}

async function onGraphqlRequest(ctx: RequestContext, api: GraphqlApi): Promise<Outcome> {
  // a subscriptions socket's handshake: each subscribe message is checked as it comes (onMessage)
  if (isWebSocketHandshake(ctx.req)) return undefined;
  const request = await readGraphqlRequest(ctx);
  if (typeof request === 'string') return graphqlErrorResponse('GRAPHQL_INVALID_QUERY', request);
  const admitted = await admitOperation(ctx, request, api, false);
  if ('refused' in admitted) return admitted.refused;
  // a GET naming only a persisted query's hash reaches the backend with the query itself
  if (request.query === undefined && ctx.method === 'GET') ctx.backendQuery.query = admitted.query;
  return undefined;
}

/**
 * The checks of one GraphQL operation, sent over HTTP or in a graphql-ws subscribe message: its
 * document valid against the schema, the operation it names allowed there, each field's scopes,
 * the caller's tier. Answers the document's text, or the refusal.
 */
export async function admitOperation(
  ctx: RequestContext,
  request: GraphqlRequest,
  api: GraphqlApi,
  overSocket: boolean,
): Promise<{ refused: GatewayResponse } | { query: string }> {
  const doc = documentOf(request, api.documents);
  if (!('analysis' in doc)) return { refused: doc };
  if (!doc.analysis.valid) return { refused: invalidDocument(doc.analysis.errors) };
  const operation = selectOperation(doc.analysis.operations, request.operationName);
  if (typeof operation === 'string')
    return { refused: graphqlErrorResponse('GRAPHQL_INVALID_QUERY', operation) };
  const refused =
    checkOperation(ctx, operation, api.config, overSocket) ??
    (await checkTier(ctx, request, doc.analysis.document, operation, api));
  return refused ? { refused } : { query: doc.query };
}

/** The request's document: from its text, or its persisted hash; an answer when there is none. */
function documentOf(request: GraphqlRequest, documents: DocumentCache) {
  const { query, persistedHash } = request;
  if (query === undefined) {
    if (persistedHash === undefined)
      return graphqlErrorResponse('GRAPHQL_INVALID_QUERY', "A GraphQL request needs a 'query'");
    return documents.byHash(persistedHash) ?? persistedQueryNotFound();
  }
  const hash = queryHash(query);
  if (persistedHash !== undefined && persistedHash !== hash)
    return graphqlErrorResponse('GRAPHQL_INVALID_QUERY', 'provided sha does not match query');
  return documents.get(query, hash);
}

/** What the API allows of the operation whoever calls: its kind (and transport), introspection, each field's scopes. */
function checkOperation(
  ctx: RequestContext,
  operation: SelectedOperation,
  config: GraphqlConfig,
  overSocket: boolean,
): Outcome {
  if (overSocket !== (operation.verb === 'SUBSCRIPTION'))
    return graphqlErrorResponse(
      'GRAPHQL_INVALID_QUERY',
      overSocket
        ? 'Only subscriptions are served over WebSocket: send queries and mutations over HTTP'
        : 'Subscriptions are served over WebSocket (graphql-ws), not over HTTP',
    );
  if (operation.verb === 'MUTATION' && ctx.method !== 'POST')
    return graphqlErrorResponse('GRAPHQL_INVALID_QUERY', 'A mutation is sent with POST');
  const cred = ctx.credential;
  for (const field of operation.fields) {
    if (INTROSPECTION_FIELDS.has(field)) {
      if (!config.introspection)
        return graphqlErrorResponse('GRAPHQL_INVALID_QUERY', 'Introspection is disabled for this API', {
          field,
        });
      continue;
    }
    const needed = config.fields[fieldKey(operation.verb, field)]?.scopes ?? [];
    // API keys and client certificates carry no scopes: scopes do not apply to them (WSO2)
    if (!needed.length || !cred || cred.kind === 'apiKey' || cred.kind === 'mutualssl') continue;
    if (!needed.some((s) => cred.scopes.has(s)))
      return graphqlErrorResponse(
        'INVALID_SCOPE',
        `The field '${field}' requires one of the scopes ${needed.join(', ')}, which the caller does not hold`,
        { field, scopes: needed },
      );
  }
  return undefined;
}

/** The caller's tier: depth and complexity limits, the complexity charged, each field's advanced tier. */
async function checkTier(
  ctx: RequestContext,
  request: GraphqlRequest,
  document: DocumentNode,
  operation: SelectedOperation,
  api: GraphqlApi,
): Promise<Outcome> {
  const { state, throttler } = api.services;
  const tier = callerTier(state, api.config.apiId, ctx.credential);
  const maxDepth = tier?.policy.graphqlMaxDepth;
  if (maxDepth && operation.depth > maxDepth)
    return graphqlErrorResponse(
      'GRAPHQL_QUERY_TOO_DEEP',
      `QUERY TOO DEEP: the query nests ${operation.depth} levels deep, the tier ${tier.policy.name} allows ${maxDepth}`,
      { depth: operation.depth, maxDepth },
    );
  if (tier) {
    const complexity = complexityOf(api.schema, document, request.operationName, request.variables);
    if (typeof complexity === 'string') return graphqlErrorResponse('GRAPHQL_INVALID_QUERY', complexity);
    const maxComplexity = tier.policy.graphqlMaxComplexity;
    if (maxComplexity && complexity > maxComplexity)
      return graphqlErrorResponse(
        'GRAPHQL_QUERY_TOO_COMPLEX',
        `QUERY TOO COMPLEX: the query's complexity is ${complexity}, the tier ${tier.policy.name} allows ${maxComplexity}`,
        { complexity, maxComplexity },
      );
    // the throttling handler has counted this request once: the rest of its complexity is charged here
    const refused = await take(throttler, tier.quotaKey, tier.policy, complexity - 1);
    if (refused && tier.policy.stopOnQuotaReach)
      return graphqlErrorResponse(
        'SUBSCRIPTION_THROTTLED',
        `The query's complexity (${complexity}) exceeds what is left of the tier's quota`,
        { complexity },
        refusalHeaders(refused),
      );
  }
  for (const field of operation.fields) {
    const name = api.config.fields[fieldKey(operation.verb, field)]?.throttlingPolicy;
    const policy = name ? state.policies.get(policyKey('ADVANCED', name)) : undefined;
    if (!policy) continue;
    const refused = await take(throttler, `res:${api.config.apiId}:${operation.verb}:${field}`, policy, 1);
    if (refused)
      return graphqlErrorResponse(
        'RESOURCE_THROTTLED',
        `The field '${field}' has used up its tier ${policy.name}`,
        { field },
        refusalHeaders(refused),
      );
  }
  return undefined;
}

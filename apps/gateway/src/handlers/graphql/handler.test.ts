/**
 * GraphQL APIs end to end: the SDL imported through the real control plane, deployed to a real
 * gateway in front of a server run by graphql-js's own executor; tiers with GraphQL limits made
 * through the admin REST API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { TEST_ADMIN_PASSWORD, testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';
import { queryHash } from './document-cache.js';
import { GITHUB_SDL, startGraphqlBackend, type GraphqlBackend } from './test-backend.js';

const ADMIN = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;
const PUB = '/api/am/publisher/v4';

let s: Stack;
let cp: RunningControlPlane;
let backend: GraphqlBackend;
const tokens: Record<string, string> = {};

async function rest(method: string, path: string, body?: unknown, form?: FormData) {
  const res = await fetch(`${cp.url}${path}`, {
    method,
    headers: { authorization: ADMIN, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: form ?? (body ? JSON.stringify(body) : undefined),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown> & { id: string };
}

const tier = (policyName: string, requestCount: number, limits: Record<string, number>) =>
  rest('POST', '/api/am/admin/v4/throttling/policies/subscription', {
    policyName,
    defaultLimit: { type: 'REQUESTCOUNTLIMIT', requestCount: { timeUnit: 'min', unitTime: 1, requestCount } },
    ...limits,
  });

/** Imports the fixture's SDL as a GraphQL API, scopes addStar (a scope name is one API's), deploys and publishes it. */
async function publishGraphqlApi(context: string, scope: string, extra: Record<string, unknown> = {}) {
  const form = new FormData();
  form.append('file', new Blob([GITHUB_SDL]), 'github.graphql');
  const url = backend.url;
  form.set(
    'additionalProperties',
    JSON.stringify({
      name: context.slice(1),
      context,
      version: '1.0.0',
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url }, sandbox_endpoints: { url } },
      ...extra,
    }),
  );
  const api = await rest('POST', `${PUB}/apis/import-graphql-schema`, undefined, form);
  const operations = (api.operations as Array<{ target: string }>).map((o) =>
    o.target === 'addStar' ? { ...o, scopes: [scope] } : o,
  );
  await rest('PUT', `${PUB}/apis/${api.id}`, {
    ...api,
    operations,
    scopes: [{ scope: { name: scope, displayName: scope, bindings: [] }, shared: false }],
  });
  const revision = await rest('POST', `${PUB}/apis/${api.id}/revisions`, {});
  await rest('POST', `${PUB}/apis/${api.id}/deploy-revision?revisionId=${revision.id}`, [
    { name: 'Default', vhost: 'localhost' },
  ]);
  await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${api.id}&action=Publish`);
  return api.id;
}

async function subscriber(apiId: string, tierName: string, scope?: string) {
  const app = await s.fx.createApplication();
  await s.fx.subscribe(app.id, apiId, tierName);
  return s.token(await s.newKey(app.id), scope);
}

function gql(token: string, body: Record<string, unknown>, path = '/github/1.0.0') {
  return s.call(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const errorOf = (json: Record<string, unknown>) =>
  (json.errors as Array<{ message: string; extensions: Record<string, unknown> }>)[0]!;

beforeAll(async () => {
  s = await startStack();
  backend = await startGraphqlBackend();
  cp = await startControlPlane({
    databaseUrl: s.db.url,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
  });
  await tier('GqlShallow', 1000, { graphQLMaxDepth: 3 });
  await tier('GqlSimple', 1000, { graphQLMaxComplexity: 30 });
  await tier('GqlQuota', 30, {});
  const apiId = await publishGraphqlApi('/github', 'repo_write');
  const privateId = await publishGraphqlApi('/github-private', 'private_repo_write', {
    mediationPolicies: { graphql: { introspection: false } },
  });
  await s.synced();
  tokens.plain = await subscriber(apiId, 'Unlimited');
  tokens.writer = await subscriber(apiId, 'Unlimited', 'repo_write');
  tokens.shallow = await subscriber(apiId, 'GqlShallow');
  tokens.simple = await subscriber(apiId, 'GqlSimple');
  tokens.quota = await subscriber(apiId, 'GqlQuota');
  tokens.private = await subscriber(privateId, 'Unlimited');
}, 60_000);

afterAll(async () => {
  await cp?.close();
  await backend?.close();
  await s?.close();
});

describe('the graphql handler', () => {
  it('passes a valid query to the backend, by POST and by GET', async () => {
    const post = await gql(tokens.plain!, { query: '{ viewer { login } }' });
    expect(post.status, post.text).toBe(200);
    expect(post.json).toEqual({ data: { viewer: { login: 'octocat' } } });
    const get = await s.call(`/github/1.0.0?query=${encodeURIComponent('{ user(login: "ada") { name } }')}`, {
      headers: { authorization: `Bearer ${tokens.plain}` },
    });
    expect(get.json).toEqual({ data: { user: { name: 'ADA' } } });
  });

  it('refuses a document the schema does not validate, with graphql-js errors and locations, before the backend', async () => {
    const before = backend.received.length;
    const res = await gql(tokens.plain!, { query: '{\n  viewer { email }\n}' });
    expect(res.status).toBe(400);
    expect(errorOf(res.json)).toEqual({
      message: 'Cannot query field "email" on type "User".',
      locations: [{ line: 2, column: 12 }],
      extensions: { code: '900422' },
    });
    expect(backend.received.length).toBe(before);
  });

  it("refuses a field outside the caller's scopes (403 900910 naming it), and admits it with the scope", async () => {
    const mutation = { query: 'mutation { addStar(starrableId: "R_1") { stargazerCount } }' };
    const refused = await gql(tokens.plain!, mutation);
    expect(refused.status).toBe(403);
    expect(errorOf(refused.json)).toMatchObject({
      message: expect.stringContaining("'addStar'"),
      extensions: { code: '900910', field: 'addStar', scopes: ['repo_write'] },
    });
    const allowed = await gql(tokens.writer!, mutation);
    expect(allowed.json).toEqual({ data: { addStar: { stargazerCount: 43 } } });
  });

  it("refuses a query deeper than the tier's graphQLMaxDepth (900820), through fragments too", async () => {
    const ok = await gql(tokens.shallow!, { query: '{ viewer { repositories(first: 2) { totalCount } } }' });
    expect(ok.status, ok.text).toBe(200);
    const deep = await gql(tokens.shallow!, {
      query: '{ viewer { ...F } } fragment F on User { repositories(first: 2) { nodes { name } } }',
    });
    expect(deep.status).toBe(400);
    expect(errorOf(deep.json).extensions).toEqual({ code: '900820', depth: 4, maxDepth: 3 });
  });

  it("refuses a query more complex than the tier's graphQLMaxComplexity (900821), page sizes multiplying", async () => {
    const ok = await gql(tokens.simple!, {
      query: '{ viewer { repositories(first: 5) { nodes { name } } } }',
    });
    expect(ok.status, ok.text).toBe(200);
    const complex = await gql(tokens.simple!, {
      query: 'query($n: Int!) { viewer { repositories(first: $n) { nodes { name owner { login } } } } }',
      variables: { n: 20 },
    });
    expect(complex.status).toBe(400);
    expect(errorOf(complex.json).extensions).toMatchObject({ code: '900821', maxComplexity: 30 });
    expect(errorOf(complex.json).extensions.complexity).toBeGreaterThan(30);
  });

  it("counts a query's complexity against the tier's request quota (30 a minute: a query of 20, then no second)", async () => {
    // viewer 1 + repositories (1 + 6 x (name 1 + owner (1 + login 1) ... )): 20 with first: 6 and { name stargazerCount }
    const query = '{ viewer { repositories(first: 6) { nodes { name stargazerCount } } } }';
    const first = await gql(tokens.quota!, { query });
    expect(first.status, first.text).toBe(200);
    const second = await gql(tokens.quota!, { query });
    expect(second.status).toBe(429);
    expect(errorOf(second.json)).toMatchObject({ extensions: { code: '900804', complexity: 20 } });
    expect(second.headers['retry-after']).toBeDefined();
  });

  it('answers introspection unless the API turned it off', async () => {
    const query = '{ __schema { queryType { name } } }';
    const open = await gql(tokens.plain!, { query });
    expect(open.json).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const closed = await gql(tokens.private!, { query }, '/github-private/1.0.0');
    expect(closed.status).toBe(400);
    expect(errorOf(closed.json)).toMatchObject({
      message: 'Introspection is disabled for this API',
      extensions: { code: '900422', field: '__schema' },
    });
  });

  it("serves Apollo's persisted queries: unknown hash, then registered with its text, then by hash alone", async () => {
    const query = '{ repository(owner: "octocat", name: "hello") { name stargazerCount } }';
    const persistedQuery = { version: 1, sha256Hash: queryHash(query) };
    const unknown = await gql(tokens.plain!, { extensions: { persistedQuery } });
    expect(unknown.status).toBe(200);
    expect(errorOf(unknown.json)).toEqual({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
    const mismatch = await gql(tokens.plain!, {
      query: '{ viewer { login } }',
      extensions: { persistedQuery },
    });
    expect(mismatch.status).toBe(400);
    const registered = await gql(tokens.plain!, { query, extensions: { persistedQuery } });
    expect(registered.json).toEqual({ data: { repository: { name: 'hello', stargazerCount: 42 } } });
    // by hash alone over GET: the backend receives the query itself
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery }));
    const byHash = await s.call(`/github/1.0.0?extensions=${extensions}`, {
      headers: { authorization: `Bearer ${tokens.plain}` },
    });
    expect(byHash.json).toEqual({ data: { repository: { name: 'hello', stargazerCount: 42 } } });
    expect(backend.received.at(-1)).toBe(query);
  });
});

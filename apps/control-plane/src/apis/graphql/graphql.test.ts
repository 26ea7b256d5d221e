import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, importForm, restClient, startTestBed, type TestBed } from '../../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const SDL = `type Query {
  repository(owner: String!, name: String!): Repository
  viewer: User!
}
type Mutation { addStar(repositoryId: ID!): Repository }
type Subscription { starAdded(repositoryId: ID!): Repository }
type Repository { id: ID! name: String! stargazerCount: Int! owner: User! }
type User { login: String! repositories(first: Int!): [Repository!]! }
`;

let bed: TestBed;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

interface Api {
  id: string;
  type: string;
  lifeCycleStatus: string;
  operations: Array<{ verb: string; target: string; scopes: string[]; throttlingPolicy: string | null }>;
}

const fields = (api: Api) => api.operations.map((o) => `${o.verb} ${o.target}`);
const importSdl = (sdl: string, additional: Record<string, unknown>) =>
  call<Api>('POST', `${PUB}/apis/import-graphql-schema`, {
    as: ADMIN,
    form: importForm({ additionalProperties: JSON.stringify(additional) }, [
      { name: 'schema.graphql', text: sdl },
    ]),
  });

describe('GraphQL schema import', () => {
  let api: Api;

  it('creates a GRAPHQL API whose operations are the fields of Query, Mutation and Subscription', async () => {
    const res = await importSdl(SDL, { name: 'GitHubLite', context: '/github', version: '1.0.0' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    api = res.body;
    expect(api.type).toBe('GRAPHQL');
    expect(fields(api)).toEqual([
      'QUERY repository',
      'QUERY viewer',
      'MUTATION addStar',
      'SUBSCRIPTION starAdded',
    ]);
    const schema = await call<{ schemaDefinition: string }>('GET', `${PUB}/apis/${api.id}/graphql-schema`, {
      as: ADMIN,
    });
    expect(schema.body).toEqual({ name: 'GitHubLite', schemaDefinition: SDL });
  });

  it('refuses an invalid SDL with graphql-js errors and their line and column, creating nothing', async () => {
    const before = await bed.prisma.api.count();
    const syntax = await importSdl('type Query {\n  viewer: \n}', {
      name: 'Bad',
      context: '/bad',
      version: '1',
    });
    expect(syntax.status).toBe(400);
    expect(JSON.stringify(syntax.body)).toMatch(
      /Syntax Error: Expected Name, found \\"}\\". \(line 3, column 1\)/,
    );
    const unknown = await importSdl('type Query {\n  viewer: Person\n}', {
      name: 'Bad',
      context: '/bad',
      version: '1',
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('Unknown type \\"Person\\". (line 2, column 11)');
    expect(await bed.prisma.api.count()).toBe(before);
  });

  it('validates an SDL without creating anything', async () => {
    const ok = await call<Record<string, unknown>>('POST', `${PUB}/apis/validate-graphql-schema`, {
      as: ADMIN,
      form: importForm({}, [{ name: 's.graphql', text: SDL }]),
    });
    expect(ok.body).toMatchObject({
      isValid: true,
      graphQLInfo: { operations: expect.arrayContaining([{ verb: 'MUTATION', target: 'addStar' }]) },
    });
    const bad = await call<Record<string, unknown>>('POST', `${PUB}/apis/validate-graphql-schema`, {
      as: ADMIN,
      form: importForm({ schemaDefinition: 'type Mutation { a: Int }' }),
    });
    expect(bad.body).toMatchObject({
      isValid: false,
      errors: [{ message: 'Query root type must be provided.' }],
    });
  });

  it('replaces the schema: kept fields keep their scopes and tier, new ones come, removed ones go', async () => {
    const current = (await call<Api & Record<string, unknown>>('GET', `${PUB}/apis/${api.id}`, { as: ADMIN }))
      .body;
    const operations = current.operations.map((o) =>
      o.target === 'addStar' ? { ...o, scopes: ['repo_write'], throttlingPolicy: '10KPerMin' } : o,
    );
    const put = await call('PUT', `${PUB}/apis/${api.id}`, {
      as: ADMIN,
      json: {
        ...current,
        operations,
        scopes: [{ scope: { name: 'repo_write', displayName: 'repo_write', bindings: [] }, shared: false }],
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const next = SDL.replace('viewer: User!', 'organization(login: String!): User');
    const replaced = await call('PUT', `${PUB}/apis/${api.id}/graphql-schema`, {
      as: ADMIN,
      form: importForm({ schemaDefinition: next }),
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const after = (await call<Api>('GET', `${PUB}/apis/${api.id}`, { as: ADMIN })).body;
    expect(fields(after)).toEqual([
      'QUERY repository',
      'QUERY organization',
      'MUTATION addStar',
      'SUBSCRIPTION starAdded',
    ]);
    expect(after.operations.find((o) => o.target === 'addStar')).toMatchObject({
      scopes: ['repo_write'],
      throttlingPolicy: '10KPerMin',
    });
    const bad = await call('PUT', `${PUB}/apis/${api.id}/graphql-schema`, {
      as: ADMIN,
      form: importForm({ schemaDefinition: 'type Query { a: Nope }' }),
    });
    expect(bad.status).toBe(400);
    const kept = await call<{ schemaDefinition: string }>('GET', `${PUB}/apis/${api.id}/graphql-schema`, {
      as: ADMIN,
    });
    expect(kept.body.schemaDefinition).toBe(next);
  });

  it('answers the schema in the devportal once the API is published, and 409 for a REST API in the publisher', async () => {
    await call('POST', `${PUB}/apis/change-lifecycle?apiId=${api.id}&action=Publish`, { as: ADMIN });
    const dev = await call<{ schemaDefinition: string }>('GET', `${DEV}/apis/${api.id}/graphql-schema`, {
      as: ADMIN,
    });
    expect(dev.status, JSON.stringify(dev.body)).toBe(200);
    expect(dev.body.schemaDefinition).toContain('organization(login: String!): User');
    const rest = await call<Api>('POST', `${PUB}/apis`, {
      as: ADMIN,
      json: { name: 'Plain', context: '/plain', version: '1.0.0' },
    });
    const none = await call('GET', `${PUB}/apis/${rest.body.id}/graphql-schema`, { as: ADMIN });
    expect(none.status).toBe(409);
  });
});

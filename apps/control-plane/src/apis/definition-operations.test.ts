/**
 * GET /swagger answers only for REST APIs: a GraphQL or async API's OpenAPI export would describe
 * none of its fields or channels, so the caller is sent to the document that does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, importForm, PETSTORE_YAML, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const CHAT = readFileSync(new URL('./asyncapi/fixtures/chat-2.6.yaml', import.meta.url), 'utf8');

let bed: TestBed;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

/** Creates an API from a definition file at one of the import endpoints; its id. */
async function imported(endpoint: string, file: string, text: string, fields: Record<string, string> = {}) {
  const res = await call<{ id: string }>('POST', `${PUB}/apis/${endpoint}`, {
    as: ADMIN,
    form: importForm(fields, [{ name: file, text }]),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

describe('GET /apis/{apiId}/swagger', () => {
  it('answers the OpenAPI document of a REST API', async () => {
    const id = await imported('import-openapi', 'petstore.yaml', PETSTORE_YAML);
    const res = await call<{ openapi: string }>('GET', `${PUB}/apis/${id}/swagger`, { as: ADMIN });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
  });

  it("keeps the order of the document's keys as its author wrote them", async () => {
    const doc = {
      openapi: '3.0.3',
      info: { version: '1.0.0', title: 'Order', description: 'keys in the order written' },
      paths: {
        '/zebras/{id}': { get: { responses: { 200: { description: 'a zebra' } } } },
        '/a': { get: { responses: { 200: { description: 'an a' } } } },
      },
    };
    const id = await imported('import-openapi', 'order.json', JSON.stringify(doc), {
      additionalProperties: JSON.stringify({ name: 'Order', context: '/order', version: '1.0.0' }),
    });
    const res = await call<typeof doc>('GET', `${PUB}/apis/${id}/swagger`, { as: ADMIN });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).slice(0, 3)).toEqual(['openapi', 'info', 'paths']);
    expect(Object.keys(res.body.info).slice(0, 3)).toEqual(['version', 'title', 'description']);
    expect(Object.keys(res.body.paths)).toEqual(['/zebras/{id}', '/a']);
  });

  it('answers 409 for a GraphQL API, pointing to its schema', async () => {
    const id = await imported('import-graphql-schema', 'schema.graphql', 'type Query { hello: String }', {
      additionalProperties: JSON.stringify({ name: 'Hello', context: '/hello', version: '1.0.0' }),
    });
    const res = await call<{ description: string }>('GET', `${PUB}/apis/${id}/swagger`, { as: ADMIN });
    expect(res.status).toBe(409);
    expect(res.body.description).toBe(
      `The API is of type GRAPHQL and has no OpenAPI document; read its GraphQL schema: GET /apis/${id}/graphql-schema`,
    );
    // what it points to answers
    expect((await call('GET', `${PUB}/apis/${id}/graphql-schema`, { as: ADMIN })).status).toBe(200);
  });

  it('answers 409 for a WebSocket API, pointing to its AsyncAPI document, in either format', async () => {
    const id = await imported('import-asyncapi', 'chat.yaml', CHAT);
    for (const format of ['json', 'yaml']) {
      const res = await call<{ description: string }>('GET', `${PUB}/apis/${id}/swagger?format=${format}`, {
        as: ADMIN,
      });
      expect(res.status).toBe(409);
      expect(res.body.description).toBe(
        `The API is of type WS and has no OpenAPI document; read its AsyncAPI document: GET /apis/${id}/asyncapi`,
      );
    }
    expect((await call('GET', `${PUB}/apis/${id}/asyncapi`, { as: ADMIN })).status).toBe(200);
  });
});

describe('a request for a document an API of another type does not have', () => {
  it('answers 409 naming the document the API has, in the publisher and the developer portal alike', async () => {
    const graphql = await imported('import-graphql-schema', 'schema.graphql', 'type Query { hi: String }', {
      additionalProperties: JSON.stringify({ name: 'Hi', context: '/hi', version: '1.0.0' }),
    });
    const ws = await imported('import-asyncapi', 'chat.yaml', CHAT, {
      additionalProperties: JSON.stringify({ name: 'Chat 409', context: '/chat-409', version: '1.0.0' }),
    });
    const rest = await imported('import-openapi', 'petstore.yaml', PETSTORE_YAML, {
      additionalProperties: JSON.stringify({ name: 'Pets 409', context: '/pets-409', version: '1.0.0' }),
    });
    for (const id of [graphql, ws, rest])
      expect(
        (await call('POST', `${PUB}/apis/change-lifecycle?apiId=${id}&action=Publish`, { as: ADMIN })).status,
      ).toBe(200);
    const refusals: Array<[string, string, FormData | undefined, string]> = [
      [
        'PUT',
        `${PUB}/apis/${graphql}/swagger`,
        importForm({ apiDefinition: PETSTORE_YAML }),
        'OpenAPI document',
      ],
      ['GET', `${DEV}/apis/${ws}/swagger`, undefined, 'OpenAPI document'],
      ['GET', `${DEV}/apis/${rest}/asyncapi`, undefined, 'AsyncAPI document'],
      ['GET', `${DEV}/apis/${rest}/graphql-schema`, undefined, 'GraphQL schema'],
      ['GET', `${PUB}/apis/${ws}/graphql-schema`, undefined, 'GraphQL schema'],
    ];
    for (const [method, path, form, missing] of refusals) {
      const res = await call<{ description: string }>(method, path, { as: ADMIN, form });
      expect([res.status, res.body.description]).toEqual([
        409,
        expect.stringMatching(new RegExp(`^The API is of type [A-Z]+ and has no ${missing}; read its `)),
      ]);
    }
    // the GraphQL API's operations are still its schema's fields
    const api = await call<{ operations: Array<{ target: string }> }>('GET', `${PUB}/apis/${graphql}`, {
      as: ADMIN,
    });
    expect(api.body.operations.map((o) => o.target)).toEqual(['hi']);
  });
});

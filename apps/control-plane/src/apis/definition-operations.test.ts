/**
 * GET /swagger answers only for REST APIs: a GraphQL or async API's OpenAPI export would describe
 * none of its fields or channels, so the caller is sent to the document that does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, importForm, PETSTORE_YAML, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';
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

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ADMIN, importForm, restClient, startTestBed, type TestBed } from '../../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const CHAT = fixture('chat-2.6.yaml');
const PRICES = fixture('prices-3.0.yaml');

let bed: TestBed;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

interface Api {
  id: string;
  name: string;
  context: string;
  version: string;
  type: string;
  endpointConfig: { production_endpoints: { url: string } };
  operations: Array<{ verb: string; target: string }>;
}

const importAsyncApi = (text: string, name: string, additional?: Record<string, unknown>) =>
  call<Api>('POST', `${PUB}/apis/import-asyncapi`, {
    as: ADMIN,
    form: importForm(additional ? { additionalProperties: JSON.stringify(additional) } : {}, [
      { name, text },
    ]),
  });

const channels = (api: Api) => api.operations.map((o) => `${o.verb} ${o.target}`);

describe('AsyncAPI import', () => {
  it('creates a WebSocket API from a 2.6 document: channels as SUBSCRIBE/PUBLISH operations, the wss server as its backend', async () => {
    const res = await importAsyncApi(CHAT, 'chat.yaml');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Chat Rooms',
      version: '1.0.0',
      context: '/chat-rooms',
      type: 'WS',
    });
    expect(channels(res.body)).toEqual([
      'SUBSCRIBE /notifications',
      'SUBSCRIBE /rooms/{roomId}',
      'PUBLISH /rooms/{roomId}',
    ]);
    // the handshake is an HTTP request: the wss:// backend is called as https://
    expect(res.body.endpointConfig.production_endpoints.url).toBe('https://chat.example.com/ws');
  });

  it('creates an SSE API from a 3.0 document (https with text/event-stream): one SUBSCRIBE per channel address', async () => {
    const res = await importAsyncApi(PRICES, 'prices.yaml', { context: '/prices' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Market Prices',
      version: '2.1.0',
      context: '/prices',
      type: 'SSE',
    });
    expect(channels(res.body)).toEqual(['SUBSCRIBE /tickers/{symbol}', 'SUBSCRIBE /news']);
    expect(res.body.endpointConfig.production_endpoints.url).toBe('https://prices.example.com/stream');
  });

  it("refuses an invalid document with the parser's diagnostics (path and message) and creates nothing", async () => {
    const broken = CHAT.replace('  version: 1.0.0\n', '').replace(
      'operationId: receiveNotification',
      'operationId: [1]',
    );
    const before = await bed.prisma.api.count();
    const res = await importAsyncApi(broken, 'broken.yaml');
    expect(res.status).toBe(400);
    const description = (res.body as unknown as { description: string }).description;
    expect(description).toContain('/info: "info" property must have required property "version"');
    expect(description).toContain('/channels//notifications/subscribe/operationId');
    expect(await bed.prisma.api.count()).toBe(before);

    const verdict = await call('POST', `${PUB}/apis/validate-asyncapi`, {
      as: ADMIN,
      form: importForm({ inlineAPIDefinition: broken }),
    });
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({ isValid: false });
    expect(verdict.body.errors).toContainEqual(
      expect.objectContaining({
        message: '/info',
        description: '"info" property must have required property "version"',
      }),
    );
  });

  it('refuses what it cannot read or tell: a $ref out of the document, another spec, a protocol of no API type', async () => {
    const external = CHAT.replace(
      "$ref: '#/components/messages/chatMessage'",
      "$ref: 'http://169.254.169.254/x.yaml'",
    );
    const refused = await importAsyncApi(external, 'ext.yaml');
    expect(refused.status).toBe(400);
    expect((refused.body as unknown as { description: string }).description).toMatch(
      /\/\$ref \(http:\/\/169\.254\.169\.254\/x\.yaml\): refers outside the document/,
    );
    const openapi = await importAsyncApi(
      'openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths: {}\n',
      'o.yaml',
    );
    expect(openapi.status).toBe(400);
    const kafka = CHAT.replace(
      'url: wss://chat.example.com/ws\n    protocol: wss',
      'url: broker:9092\n    protocol: kafka',
    );
    const untold = await importAsyncApi(kafka, 'kafka.yaml');
    expect(untold.status).toBe(400);
    expect((untold.body as unknown as { description: string }).description).toContain("give 'type'");
    const told = await importAsyncApi(kafka, 'kafka.yaml', {
      type: 'WS',
      name: 'Kafka Chat',
      context: '/kafka-chat',
    });
    expect(told.status).toBe(201);
    expect(told.body.type).toBe('WS');
  });

  it('says what a valid document describes', async () => {
    const verdict = await call('POST', `${PUB}/apis/validate-asyncapi`, {
      as: ADMIN,
      form: importForm({ inlineAPIDefinition: PRICES }),
    });
    expect(verdict.body).toMatchObject({
      isValid: true,
      info: {
        name: 'Market Prices',
        version: '2.1.0',
        asyncAPIVersion: '3.0.0',
        protocol: 'https',
        type: 'SSE',
      },
      errors: [],
    });
  });
});

describe('AsyncAPI documents of an API', () => {
  it('round trip: the publisher reads the document, replaces it (and the channels), and its export imports again as the same API', async () => {
    const created = await importAsyncApi(CHAT, 'chat.yaml', { name: 'RoundTrip', context: '/roundtrip' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const yaml = await call<string>('GET', `${PUB}/apis/${id}/asyncapi?format=yaml`, { as: ADMIN });
    expect(yaml.status).toBe(200);
    const doc = YAML.parse(yaml.body) as Record<string, unknown>;
    expect(doc).toMatchObject({ asyncapi: '2.6.0', 'x-wso2-basePath': '/roundtrip/1.0.0' });

    const changed = YAML.stringify({
      ...doc,
      channels: { '/alerts': { subscribe: { message: { payload: { type: 'string' } } } } },
    });
    const put = await call('PUT', `${PUB}/apis/${id}/asyncapi`, {
      as: ADMIN,
      form: importForm({ apiDefinition: changed }),
    });
    expect(put.status).toBe(200);
    const api = await call<Api>('GET', `${PUB}/apis/${id}`, { as: ADMIN });
    expect(channels(api.body)).toEqual(['SUBSCRIBE /alerts']);

    // the export carries the context: imported again in a new version, the same context comes back
    const exported = await call<Record<string, unknown>>('GET', `${PUB}/apis/${id}/asyncapi`, { as: ADMIN });
    const again = await importAsyncApi(JSON.stringify(exported.body), 'again.json', { version: '2.0.0' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({
      name: 'RoundTrip',
      context: '/roundtrip',
      version: '2.0.0',
      type: 'WS',
    });
    expect(channels(again.body)).toEqual(['SUBSCRIBE /alerts']);
  });

  it('the developer portal serves the document with the gateways as its servers (ws://host:port/context/version)', async () => {
    const created = await importAsyncApi(CHAT, 'chat.yaml', { name: 'Portal Chat', context: '/portal-chat' });
    const id = created.body.id;
    const rev = await call<{ id: string }>('POST', `${PUB}/apis/${id}/revisions`, { as: ADMIN, json: {} });
    await call('POST', `${PUB}/apis/${id}/deploy-revision?revisionId=${rev.body.id}`, {
      as: ADMIN,
      json: [{ name: 'Default', vhost: 'localhost', displayOnDevportal: true }],
    });
    await call('POST', `${PUB}/apis/change-lifecycle?apiId=${id}&action=Publish`, { as: ADMIN });
    const doc = await call<{ servers: Record<string, { url: string; protocol: string }>; channels: object }>(
      'GET',
      `${DEV}/apis/${id}/asyncapi`,
    );
    expect(doc.status).toBe(200);
    // the seeded environment's gateways listen on HTTP only: no wss:// server where nothing answers
    expect(Object.values(doc.body.servers)).toEqual([
      { url: expect.stringMatching(/^ws:\/\/localhost:\d+\/portal-chat\/1\.0\.0$/), protocol: 'ws' },
    ]);
    expect(Object.keys(doc.body.channels)).toEqual(['/notifications', '/rooms/{roomId}']);
    expect(JSON.stringify(doc.body)).not.toContain('chat.example.com');
  });

  it('a REST API has no AsyncAPI document', async () => {
    const rest = await call<Api>('POST', `${PUB}/apis`, {
      as: ADMIN,
      json: { name: 'Plain', context: '/plain', version: '1.0.0' },
    });
    const res = await call('GET', `${PUB}/apis/${rest.body.id}/asyncapi`, { as: ADMIN });
    expect(res.status).toBe(409);
    expect((res.body as { description: string }).description).toBe(
      `The API is of type HTTP and has no AsyncAPI document; read its OpenAPI document: GET /apis/${rest.body.id}/swagger`,
    );
  });
});

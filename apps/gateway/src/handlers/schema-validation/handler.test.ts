import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;

const definition = {
  openapi: '3.0.3',
  info: { title: 'Orders', version: '1.0.0' },
  paths: {
    '/order': {
      post: {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
        },
        responses: { '201': { description: 'created' } },
      },
    },
  },
  components: {
    schemas: {
      Order: {
        type: 'object',
        required: ['pizza', 'quantity'],
        properties: {
          pizza: { type: 'string' },
          quantity: { type: 'integer', minimum: 1 },
          note: { type: 'string', nullable: true },
        },
      },
    },
  },
};

beforeAll(async () => {
  s = await startStack();
  await s.fx.deployApi({
    context: '/orders',
    backendUrl: s.backend.url,
    enableSchemaValidation: true,
    definition,
    operations: [{ verb: 'POST', target: '/order', authEnabled: false }],
  });
  await s.fx.deployApi({
    context: '/unchecked',
    backendUrl: s.backend.url,
    operations: [{ verb: 'POST', target: '/order', authEnabled: false }],
  });
  await s.synced();
});

afterAll(async () => {
  await s?.close();
});

const post = (path: string, body: string, type = 'application/json') =>
  s.call(path, { method: 'POST', headers: { 'content-type': type }, body });

describe('schema validation handler', () => {
  it('forwards a body that matches the OpenAPI schema, unchanged', async () => {
    const body = JSON.stringify({ pizza: 'margherita', quantity: 2 });
    const r = await post('/orders/1.0.0/order', body);
    expect(r.status).toBe(200);
    expect(r.json.body).toBe(body);
  });

  it('refuses a body that does not match with 400 900402 and the failing pointer', async () => {
    const before = s.backend.received.length;
    const r = await post('/orders/1.0.0/order', JSON.stringify({ pizza: 'margherita', quantity: 0 }));
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('900402');
    expect(String(r.json.description)).toContain('/quantity');
    expect(s.backend.received.length).toBe(before);
  });

  it('refuses a missing required body (900402) and malformed JSON (900400)', async () => {
    expect((await post('/orders/1.0.0/order', '')).json.code).toBe('900402');
    const bad = await post('/orders/1.0.0/order', '{"pizza":');
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('900400');
  });

  it('leaves APIs without validation alone: malformed JSON passes through as bytes', async () => {
    const r = await post('/unchecked/1.0.0/order', '{"pizza":');
    expect(r.status).toBe(200);
    expect(r.json.body).toBe('{"pizza":');
  });
});

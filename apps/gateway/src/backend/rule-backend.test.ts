/**
 * A rule's own backend and timeout, through a real gateway and real backends: the rule's service
 * answers instead of the API's endpoints, and only the rule with the short timeout gives up on a
 * slow backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRule } from '@apim/contracts';
import { deployExposedApi } from '../routing/exposure-fixture.js';
import { startBackend, type TestBackend } from '../test-support/backend.js';
import { startStack, type Stack } from '../test-support/stack.js';

let s: Stack;
let service: TestBackend;
const host = { host: 'orders.example.com' };
const rule = (more: Omit<OperationRule, 'access'> = {}): OperationRule => ({
  access: { strategy: 'noAuth' },
  ...more,
});

beforeAll(async () => {
  s = await startStack();
  service = await startBackend('rule-service');
  await deployExposedApi(s.fx, {
    context: '/orders',
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: s.backend.url },
      endpointTimeoutMs: 5000,
    },
    hosts: ['orders.example.com'],
    operations: [
      { verb: 'GET', target: '/hasty/{**}', authEnabled: false, rule: rule({ timeoutMs: 200 }) },
      { verb: 'GET', target: '/patient/{**}', authEnabled: false, rule: rule() },
      {
        verb: 'GET',
        target: '/elsewhere/{**}',
        authEnabled: false,
        rule: rule({ service: { url: `${service.url}/base` }, timeoutMs: 200 }),
      },
      {
        verb: 'POST',
        target: '/elsewhere/{**}',
        authEnabled: false,
        rule: rule({ service: { url: `${service.url}/base` } }),
      },
    ],
  });
  await s.synced();
});

afterAll(async () => {
  await s?.close();
  await service?.close();
});

describe("a rule's backend", () => {
  it('gives up after the rule timeout (504 101504) only on the rule that sets a short one', async () => {
    const hasty = await s.call('/hasty/slow/1000', { headers: host });
    expect(hasty.status).toBe(504);
    expect(hasty.json.code).toBe('101504');
    const patient = await s.call('/patient/slow/1000', { headers: host });
    expect(patient.status).toBe(200);
    expect(patient.json.backend).toBe('backend');
  });

  it("sends the rule's requests to its service (path appended to the service URL), for every key type", async () => {
    const r = await s.call('/elsewhere/items?q=1', { headers: host });
    expect(r.status).toBe(200);
    expect(r.json.backend).toBe('rule-service');
    expect(r.json.url).toBe('/base/elsewhere/items?q=1');
    expect((r.json.headers as Record<string, string>).host).toBe(new URL(service.url).host);
    const slow = await s.call('/elsewhere/slow/1000', { headers: host });
    expect(slow.status).toBe(504);
    // the other rule naming the same service keeps the API's timeout
    const post = await s.call('/elsewhere/slow/400', { method: 'POST', headers: host });
    expect(post.status).toBe(200);
    expect(post.json.backend).toBe('rule-service');
  });

  it('refuses the deployment of a rule whose service is not an http(s) URL', async () => {
    await deployExposedApi(s.fx, {
      context: '/ftp',
      backendUrl: s.backend.url,
      hosts: ['ftp.example.com'],
      operations: [
        {
          verb: 'GET',
          target: '/{**}',
          authEnabled: false,
          rule: rule({ service: { url: 'ftp://files.example.com' } }),
        },
      ],
    });
    await s.synced();
    expect((await s.call('/x', { headers: { host: 'ftp.example.com' } })).status).toBe(404);
  });
});

/**
 * Issue 14 end to end: Kyma APIRules applied through the manifests REST API reach a real gateway,
 * which serves them on their hosts at a real backend; the apply answers what the gateway did:
 * Ready once it serves the revision, Error with its reason when it refuses it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  TEST_ADMIN_PASSWORD,
  type TestDatabase,
} from '@apim/testing';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { startGateway, type StartedGateway } from '@apim/gateway/testing';

const auth = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;
const prefix = testRedisPrefix();
let db: TestDatabase;
let cp: RunningControlPlane;
let gw: StartedGateway;
const backend = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, headers: req.headers }));
});

beforeAll(async () => {
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  db = await createTestDatabase();
  const shared = {
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: 'http://127.0.0.1:9',
    internalSecret: 'declarative-e2e-internal-secret-0123456789',
  };
  // every APIRule service is the test's backend, whatever its name
  cp = await startControlPlane({ ...shared, env: { APIM_APIRULE_SERVICE_URL: 'http://127.0.0.1:{port}' } });
  gw = await startGateway(shared);
});
afterAll(async () => {
  await gw?.close();
  await cp?.close();
  await db?.drop();
  await cleanupRedis(prefix);
  backend.close();
});

function apiRule(name: string, rules: object[]) {
  return {
    apiVersion: 'gateway.kyma-project.io/v2',
    kind: 'APIRule',
    metadata: { name, namespace: 'default' },
    spec: {
      hosts: [`${name}.example.com`],
      service: { name, namespace: 'default', port: (backend.address() as AddressInfo).port },
      rules,
    },
  };
}

async function apply(...manifests: object[]) {
  const res = await fetch(`${cp.url}/api/am/admin/v4/manifests/apply`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ documents: manifests.map((manifest) => ({ manifest })), waitSeconds: 20 }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    objects: Array<{ name: string; state: string; description: string | null }>;
  };
}

function call(host: string, path: string) {
  return new Promise<{ status: number; body: { path?: string; headers?: Record<string, string> } }>(
    (resolve, reject) => {
      const req = http.request(`${gw.url}${path}`, { headers: { host }, agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('APIRules through a real gateway', () => {
  it('serves a noAuth rule on its host once the gateway reports it, with the rule request headers', async () => {
    const result = await apply(
      apiRule('httpbin', [
        { path: '/headers', methods: ['GET'], noAuth: true, request: { headers: { 'x-from-rule': 'yes' } } },
      ]),
    );
    expect(result.objects).toEqual([expect.objectContaining({ name: 'default/httpbin', state: 'Ready' })]);
    const answer = await call('httpbin.example.com', '/headers');
    expect(answer.status).toBe(200);
    expect(answer.body.path).toBe('/headers');
    expect(answer.body.headers?.['x-from-rule']).toBe('yes');
    expect((await call('httpbin.example.com', '/other')).status).toBe(404);
  });

  it('answers Error with the gateway reason when the gateway refuses the revision', async () => {
    const result = await apply(
      apiRule('refused', [
        { path: '/x', methods: ['GET'], noAuth: true, request: { headers: { host: 'evil' } } },
      ]),
    );
    expect(result.objects).toEqual([
      expect.objectContaining({
        name: 'default/refused',
        state: 'Error',
        description: expect.stringMatching(/refused/),
      }),
    ]);
  });
});

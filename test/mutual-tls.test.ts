/**
 * Issue 5 end to end: a publisher secures an API with mutual TLS and Basic auth through the
 * publisher REST API (a client certificate with its tier, a scope bound to a role), deploys a
 * revision, and the gateway admits the certificate's holder over HTTPS and Basic users by role;
 * removing the certificate takes effect with the next revision.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, selfSignedCertificate, type TestCertificate } from '@apim/testing';
import { admin, basic, startProduct, type Product } from './support/product.js';

const PUB = '/api/am/publisher/v4';
const ADMIN_API = '/api/am/admin/v4';
const auditor = { username: 'mtls-auditor', password: 'auditor-password-1' };
const reader = { username: 'mtls-reader', password: 'reader-password-1' };
const server = selfSignedCertificate('gateway', { ipAddress: '127.0.0.1' });
const partner = selfSignedCertificate('partner');
const stranger = selfSignedCertificate('stranger');

let product: Product;
let dir: string;
let apiId = '';
const backend = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url }));
});

/** a control-plane REST call as the admin */
const rest = <T = Record<string, unknown>>(method: string, urlPath: string, body?: unknown) =>
  product.rest<T>(method, urlPath, admin, body);

/** A call through the gateway's HTTPS listener, on a connection of its own. */
function callGateway(
  method: string,
  client: TestCertificate | null,
  headers: Record<string, string> = {},
): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    https
      .request(
        `${product.gw.httpsUrl}/audited/1.0.0/records`,
        {
          method,
          ca: server.cert,
          agent: false,
          headers,
          ...(client ? { cert: client.cert, key: client.key } : {}),
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              code: (JSON.parse(text || '{}') as { code?: string }).code,
            }),
          );
        },
      )
      .on('error', reject)
      .end();
  });
}

/** Creates and deploys a revision of the API; the gateway learns of it through the event log. */
async function deployRevision(): Promise<void> {
  const revision = await rest<{ id: string }>('POST', `${PUB}/apis/${apiId}/revisions`, {});
  expect(revision.status).toBe(201);
  const deployed = await rest('POST', `${PUB}/apis/${apiId}/deploy-revision?revisionId=${revision.body.id}`, [
    { name: 'Default' },
  ]);
  expect(deployed.status).toBe(201);
  const deadline = Date.now() + 5000;
  while (product.gw.app.state.apis.get(apiId)?.revisionId !== revision.body.id) {
    if (Date.now() > deadline) throw new Error('the gateway did not get the revision');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'e2e-mtls-'));
  await writeFile(path.join(dir, 'server.crt'), server.cert);
  await writeFile(path.join(dir, 'server.key'), server.key);
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  product = await startProduct({
    gatewayEnv: {
      APIM_GATEWAY_TLS_CERT: path.join(dir, 'server.crt'),
      APIM_GATEWAY_TLS_KEY: path.join(dir, 'server.key'),
      // the caller's name is read from the request's raw event: keep every success as one
      APIM_ANALYTICS_SAMPLE_RATE: '1',
    },
  });
});

afterAll(async () => {
  await product?.close();
  await new Promise<void>((r) => backend.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('mutual TLS and Basic-auth scopes, from the publisher API to the gateway', () => {
  it('the publisher secures an API with a client certificate and a role-bound scope, and deploys it', async () => {
    expect((await rest('POST', `${ADMIN_API}/roles`, { name: 'auditor' })).status).toBe(201);
    for (const [who, roles] of [
      [auditor, ['auditor']],
      [reader, ['subscriber']],
    ] as const)
      expect((await rest('POST', `${ADMIN_API}/users`, { ...who, roles })).status).toBe(201);
    const api = await rest<{ id: string }>('POST', `${PUB}/apis`, {
      name: 'Audited',
      context: '/audited',
      version: '1.0.0',
      securityScheme: ['mutualssl', 'basic_auth'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: `http://127.0.0.1:${(backend.address() as AddressInfo).port}` },
      },
      scopes: [{ scope: { name: 'audited:write', bindings: ['auditor'] } }],
      operations: [
        { target: '/records', verb: 'GET' },
        { target: '/records', verb: 'POST', scopes: ['audited:write'] },
      ],
    });
    expect(api.status).toBe(201);
    apiId = api.body.id;
    const form = new FormData();
    form.set('alias', 'partner');
    form.set('tier', 'Gold');
    form.append('certificate', new Blob([partner.cert]), 'partner.crt');
    expect((await rest('POST', `${PUB}/apis/${apiId}/client-certificates`, form)).status).toBe(200);
    await deployRevision();
    expect((await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`)).status).toBe(
      200,
    );
  });

  it("admits the certificate's holder and refuses a stranger", async () => {
    expect(await callGateway('GET', partner)).toEqual({ status: 200 });
    expect(await callGateway('GET', stranger)).toEqual({ status: 401, code: '900902' });
  });

  it("reports the certificate's common name as the caller in analytics (as WSO2 does)", async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const summary = await rest<{
        recent: Array<{ apiId: string; userName: string | null; proxyResponseCode: number }>;
      }>('GET', `${ADMIN_API}/analytics/summary?minutes=60`);
      const mine = summary.body.recent.filter((r) => r.apiId === apiId && r.proxyResponseCode === 200);
      if (mine.length > 0) {
        expect(mine.map((r) => r.userName)).toContain('partner');
        return;
      }
      if (Date.now() > deadline) throw new Error(`no analytics for the API: ${JSON.stringify(summary.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('admits Basic users to the scoped resource only with the bound role', async () => {
    expect((await callGateway('POST', null, { authorization: basic(auditor) })).status).toBe(200);
    expect(await callGateway('POST', null, { authorization: basic(reader) })).toEqual({
      status: 403,
      code: '900910',
    });
    expect((await callGateway('GET', null, { authorization: basic(reader) })).status).toBe(200);
  });

  it("a Basic user's lost role, and then their disabled account, are enforced within a second", async () => {
    const users = await rest<{ list: Array<{ id: string; username: string }> }>(
      'GET',
      `${ADMIN_API}/users?query=${auditor.username}`,
    );
    const id = users.body.list.find((u) => u.username === auditor.username)!.id;
    // verified a moment ago: the gateway remembers it (for 30 s unless told otherwise)
    expect((await callGateway('POST', null, { authorization: basic(auditor) })).status).toBe(200);
    expect((await rest('PATCH', `${ADMIN_API}/users/${id}`, { roles: ['subscriber'] })).status).toBe(200);
    await eventually(
      async () =>
        expect(await callGateway('POST', null, { authorization: basic(auditor) })).toEqual({
          status: 403,
          code: '900910',
        }),
      1000,
    );
    expect((await callGateway('GET', null, { authorization: basic(auditor) })).status).toBe(200);
    expect((await rest('PATCH', `${ADMIN_API}/users/${id}`, { enabled: false })).status).toBe(200);
    await eventually(
      async () =>
        expect((await callGateway('GET', null, { authorization: basic(auditor) })).status).toBe(401),
      1000,
    );
  });

  it('a deleted certificate is refused once the next revision is deployed', async () => {
    expect((await rest('DELETE', `${PUB}/apis/${apiId}/client-certificates/partner`)).status).toBe(200);
    // the deployed revision still carries it
    expect((await callGateway('GET', partner)).status).toBe(200);
    await deployRevision();
    expect(await callGateway('GET', partner)).toEqual({ status: 401, code: '900902' });
  });
});

/**
 * Per-API mutual TLS (WSO2 `mutualssl`) over real HTTPS: the gateway asks every client for a
 * certificate, and each API admits the certificates of its revision, by fingerprint and validity.
 * Certificates are made by openssl for this test only.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFingerprint, type GatewayClientCertificate } from '@apim/contracts';
import { selfSignedCertificate, type TestCertificate } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;
let dir: string;
const server = selfSignedCertificate('gateway', { ipAddress: '127.0.0.1' });
const partner = selfSignedCertificate('partner');
const stranger = selfSignedCertificate('stranger');
const expired = selfSignedCertificate('expired', { days: -1 });
const limited = selfSignedCertificate('limited');
const tester = selfSignedCertificate('tester');
let token: string;

/** The certificate as the API's revision carries it. */
function admitted(
  c: TestCertificate,
  alias: string,
  tier = 'Unlimited',
  keyType?: 'PRODUCTION' | 'SANDBOX',
): GatewayClientCertificate {
  const x509 = new X509Certificate(c.cert);
  return {
    alias,
    fingerprint: certificateFingerprint(x509.fingerprint256),
    tier,
    ...(keyType ? { keyType } : {}),
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
  };
}

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/** One request over its own TLS connection, presenting `client` when given. */
function call(
  urlPath: string,
  client: TestCertificate | null,
  headers: Record<string, string> = {},
  method = 'GET',
  agent: https.Agent | false = false,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    https
      .request(
        `${s.gw.httpsUrl}${urlPath}`,
        {
          method,
          ca: server.cert,
          headers,
          agent,
          ...(client ? { cert: client.cert, key: client.key } : {}),
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: body ? (JSON.parse(body) as Record<string, unknown>) : {},
            }),
          );
        },
      )
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gw-mtls-'));
  await writeFile(path.join(dir, 'server.crt'), server.cert);
  await writeFile(path.join(dir, 'server.key'), server.key);
  s = await startStack({
    gatewayEnv: {
      APIM_GATEWAY_TLS_CERT: path.join(dir, 'server.crt'),
      APIM_GATEWAY_TLS_KEY: path.join(dir, 'server.key'),
    },
  });
  await s.fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'TwoPerMinute', requestCount: 2 });
  const certificates = [
    admitted(partner, 'partner'),
    admitted(expired, 'expired'),
    admitted(limited, 'limited', 'TwoPerMinute'),
    admitted(tester, 'tester', 'Unlimited', 'SANDBOX'),
  ];
  const common = { backendUrl: s.backend.url, clientCertificates: certificates };
  await s.fx.deployApi({
    context: '/split',
    clientCertificates: [
      admitted(partner, 'partner', 'Unlimited', 'PRODUCTION'),
      admitted(tester, 'tester', 'Unlimited', 'SANDBOX'),
    ],
    securitySchemes: ['mutualssl'],
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: `${s.backend.url}/prod` },
      sandbox_endpoints: { url: `${s.backend.url}/sandbox` },
    },
  });
  await s.fx.deployApi({
    ...common,
    context: '/only',
    securitySchemes: ['mutualssl'],
    operations: [
      { verb: 'GET', target: '/*' },
      // scopes do not apply to certificate callers (WSO2)
      { verb: 'POST', target: '/scoped', scopes: ['only:write'] },
    ],
  });
  const optional = await s.fx.deployApi({
    ...common,
    context: '/optional',
    securitySchemes: ['mutualssl', 'oauth2'],
  });
  await s.fx.deployApi({
    ...common,
    context: '/certfirst',
    securitySchemes: ['mutualssl', 'mutualssl_mandatory', 'oauth2'],
  });
  const both = await s.fx.deployApi({
    ...common,
    context: '/both',
    securitySchemes: ['mutualssl', 'mutualssl_mandatory', 'oauth2', 'oauth_basic_auth_api_key_mandatory'],
  });
  const app = await s.fx.createApplication();
  await s.fx.subscribe(app.id, both.id);
  await s.fx.subscribe(app.id, optional.id);
  const key = await s.newKey(app.id);
  await s.synced();
  token = await s.token(key);
});

afterAll(async () => {
  await s?.close();
  await rm(dir, { recursive: true, force: true });
});

const bearer = () => ({ authorization: `Bearer ${token}` });

describe('mutual TLS per API', () => {
  it("admits a certificate of the API, without a subscription, and ignores the resource's scopes", async () => {
    const r = await call('/only/1.0.0/things', partner);
    expect(r.status).toBe(200);
    expect(r.json.url).toBe('/things');
    expect((await call('/only/1.0.0/scoped', partner, {}, 'POST')).status).toBe(200);
  });

  it('refuses a certificate the API does not have, no certificate, and plain HTTP (401 900901)', async () => {
    for (const [what, client] of [
      ['unknown certificate', stranger],
      ['no certificate', null],
    ] as const) {
      const r = await call('/only/1.0.0/things', client);
      expect(r.status, what).toBe(401);
      expect(r.json.code, what).toBe('900901');
    }
    expect((await call('/only/1.0.0/things', null)).json.description).toMatch(/needs a client certificate/);
    const plain = await s.call('/only/1.0.0/things');
    expect(plain.status).toBe(401);
    expect(plain.json.code).toBe('900901');
  });

  it('answers each request of a kept-alive connection by the certificate of its handshake', async () => {
    for (const [client, status] of [
      [partner, 200],
      [stranger, 401],
    ] as const) {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; i < 3; i++)
          expect((await call('/only/1.0.0/again', client, {}, 'GET', agent)).status).toBe(status);
        // one connection served them all
        expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
      } finally {
        agent.destroy();
      }
    }
  });

  it('refuses an expired certificate even though the API has it', async () => {
    const r = await call('/only/1.0.0/things', expired);
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('900901');
    expect(r.json.description).toMatch(/expired on/);
  });

  it('with mutual TLS optional, falls back to the OAuth2 token', async () => {
    expect((await call('/optional/1.0.0/a', partner)).status).toBe(200);
    expect((await call('/optional/1.0.0/a', null, bearer())).status).toBe(200);
    expect((await call('/optional/1.0.0/a', stranger, bearer())).status).toBe(200);
    const none = await call('/optional/1.0.0/a', null);
    expect(none.status).toBe(401);
    expect(none.json.code).toBe('900902');
    expect((await call('/optional/1.0.0/a', stranger, { authorization: 'Bearer not-a-token' })).status).toBe(
      401,
    );
  });

  it('with mutual TLS mandatory, a token does not replace the certificate', async () => {
    expect((await call('/certfirst/1.0.0/a', partner)).status).toBe(200);
    const tokenOnly = await call('/certfirst/1.0.0/a', null, bearer());
    expect(tokenOnly.status).toBe(401);
    expect(tokenOnly.json.code).toBe('900901');
  });

  it('with both mandatory, needs the certificate and the token', async () => {
    expect((await call('/both/1.0.0/a', partner, bearer())).status).toBe(200);
    const certOnly = await call('/both/1.0.0/a', partner);
    expect(certOnly.status).toBe(401);
    expect(certOnly.json.code).toBe('900902');
    const tokenOnly = await call('/both/1.0.0/a', stranger, bearer());
    expect(tokenOnly.status).toBe(401);
    expect(tokenOnly.json.code).toBe('900901');
  });

  it("sends a certificate's callers to the endpoints of its key type", async () => {
    expect((await call('/split/1.0.0/a', partner)).json.url).toBe('/prod/a');
    expect((await call('/split/1.0.0/a', tester)).json.url).toBe('/sandbox/a');
    // an API without sandbox endpoints refuses a sandbox certificate, as it does a sandbox token
    const r = await call('/only/1.0.0/a', tester);
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('900905');
  });

  it("throttles a certificate's callers by the certificate's tier, each certificate on its own", async () => {
    expect((await call('/only/1.0.0/t', limited)).status).toBe(200);
    expect((await call('/only/1.0.0/t', limited)).status).toBe(200);
    const third = await call('/only/1.0.0/t', limited);
    expect(third.status).toBe(429);
    expect(third.json.code).toBe('900804');
    // the same certificate on another API has a quota of its own there; other certificates are not held back
    expect((await call('/optional/1.0.0/t', limited)).status).toBe(200);
    expect((await call('/only/1.0.0/t', partner)).status).toBe(200);
  });
});

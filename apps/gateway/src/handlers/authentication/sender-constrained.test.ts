/**
 * Sender-constrained tokens end to end: DPoP-bound tokens issued by the real key manager (JWT and
 * opaque), a second gateway node sharing Redis that refuses a proof the first one admitted, and
 * certificate-bound tokens over real mutual TLS.
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { Client, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { eventually, selfSignedCertificate, testRedisUrl, type TestCertificate } from '@apim/testing';
import { accessTokenHash } from './sender-constraint-dpop.js';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startTokenIssuer, type TokenIssuer } from '../../test-support/token-issuer.js';
import { startGateway, type StartedGateway } from '../../testing.js';

/** where clients reach both nodes, behind a load balancer that terminates TLS */
const PUBLIC = 'https://api.example.test';
const RESOURCE = '/bound/1.0.0/items';
const serverCert = selfSignedCertificate('gateway', { ipAddress: '127.0.0.1' });
const partner = selfSignedCertificate('partner');
const stranger = selfSignedCertificate('stranger');

let s: Stack;
let node2: StartedGateway;
let idp: TokenIssuer;
let dir: string;
let api: GatewayApi;
let holder: { privateKey: CryptoKey; jwk: JWK; jkt: string };
let jwtKey: { clientId: string; clientSecret: string };
let opaqueKey: { clientId: string; clientSecret: string };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

async function holderKey() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

function proof(htm: string, htu: string, token?: string, key = holder): Promise<string> {
  return new SignJWT({ htm, htu, jti: randomUUID(), ...(token ? { ath: accessTokenHash(token) } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .setIssuedAt()
    .sign(key.privateKey);
}

/** A DPoP-bound access token from the key manager: the token request carries a proof (RFC 9449 §5). */
async function dpopToken(key: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await request(s.km.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${key.clientId}:${key.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      dpop: await proof('POST', s.km.tokenEndpoint),
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.body.json()) as Record<string, unknown>;
  expect(res.statusCode, JSON.stringify(body)).toBe(200);
  expect(body.token_type).toBe('DPoP');
  return String(body.access_token);
}

async function call(base: string, headers: Record<string, string>): Promise<Reply> {
  const res = await request(`${base}${RESOURCE}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(text) as Record<string, unknown> };
}

/** One request over its own TLS connection, presenting `client` when given. */
function callTls(client: TestCertificate | null, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    https
      .request(
        `${s.gw.httpsUrl}${RESOURCE}`,
        {
          ca: serverCert.cert,
          headers,
          agent: false,
          ...(client ? { cert: client.cert, key: client.key } : {}),
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              json: JSON.parse(body) as Record<string, unknown>,
            }),
          );
        },
      )
      .on('error', reject)
      .end();
  });
}

const dpopHeaders = async (token: string, htu = `${s.gw.url}${RESOURCE}`) => ({
  authorization: `DPoP ${token}`,
  dpop: await proof('GET', htu, token),
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gw-sender-'));
  await writeFile(path.join(dir, 'server.crt'), serverCert.cert);
  await writeFile(path.join(dir, 'server.key'), serverCert.key);
  const gatewayEnv = {
    APIM_GATEWAY_PUBLIC_URLS: PUBLIC,
    APIM_GATEWAY_TLS_CERT: path.join(dir, 'server.crt'),
    APIM_GATEWAY_TLS_KEY: path.join(dir, 'server.key'),
  };
  s = await startStack({ gatewayEnv });
  holder = await holderKey();
  api = await s.fx.deployApi({ context: '/bound', backendUrl: s.backend.url });
  const app = await s.fx.createApplication();
  const opaqueApp = await s.fx.createApplication({ tokenType: 'OPAQUE' });
  await s.fx.subscribe(app.id, api.id);
  await s.fx.subscribe(opaqueApp.id, api.id);
  jwtKey = await s.newKey(app.id);
  opaqueKey = await s.newKey(opaqueApp.id);
  node2 = await startGateway({
    databaseUrl: s.db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    env: gatewayEnv,
  });
  await s.synced();
  const last = await s.fx.lastEventId();
  await eventually(() => expect(node2.app.state.lastEventId).toBeGreaterThanOrEqual(last), 20_000);
}, 120_000);

afterAll(async () => {
  await node2?.close();
  await idp?.close();
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('DPoP-bound tokens from the key manager', { timeout: 60_000 }, () => {
  it('are admitted with a fresh proof, which the backend never sees', async () => {
    const token = await dpopToken(jwtKey);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      cnf?: { jkt?: string };
    };
    expect(claims.cnf?.jkt).toBe(holder.jkt);
    const ok = await call(s.gw.url, await dpopHeaders(token));
    expect(ok.status).toBe(200);
    const seen = ok.json.headers as Record<string, unknown>;
    expect(seen.dpop).toBeUndefined();
    expect(seen.authorization).toBeUndefined();
  });

  it('are refused as Bearer tokens, with a DPoP challenge saying a proof is required', async () => {
    const token = await dpopToken(jwtKey);
    const r = await call(s.gw.url, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('900901');
    expect(r.json.description).toMatch(/DPoP proof is required/);
    expect(r.headers['www-authenticate']).toMatch(/^DPoP algs="[^"]+", error="invalid_token"/);
  });

  it('refuse a replayed proof, a proof for another URL, and one made by another key', async () => {
    const token = await dpopToken(jwtKey);
    const headers = await dpopHeaders(token);
    expect((await call(s.gw.url, headers)).status).toBe(200);
    const replay = await call(s.gw.url, headers);
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ code: '900901', description: expect.stringMatching(/used before/) });
    expect(replay.headers['www-authenticate']).toMatch(/error="invalid_dpop_proof"/);
    const elsewhere = await call(s.gw.url, await dpopHeaders(token, `${s.gw.url}/bound/1.0.0/other`));
    expect(elsewhere.json.description).toMatch(/not for this request's URL/);
    const thief = await holderKey();
    const stolen = await call(s.gw.url, {
      authorization: `DPoP ${token}`,
      dpop: await proof('GET', `${s.gw.url}${RESOURCE}`, token, thief),
    });
    expect(stolen.json.description).toMatch(/another key than the one the access token is bound to/);
  });

  it('need a proof on every request of a keep-alive connection, whatever the connection remembers', async () => {
    const token = await dpopToken(jwtKey);
    const client = new Client(s.gw.url, { pipelining: 1, connections: 1 } as Client.Options);
    const send = async (headers: Record<string, string>) => {
      const r = await client.request({ path: RESOURCE, method: 'GET', headers });
      const body = (await r.body.json()) as { description?: string };
      return { status: r.statusCode, description: body.description };
    };
    try {
      expect((await send(await dpopHeaders(token))).status).toBe(200);
      expect(await send({ authorization: `DPoP ${token}` })).toEqual({
        status: 401,
        description: expect.stringMatching(/proof header is required/) as unknown as string,
      });
      const fresh = await dpopHeaders(token);
      expect((await send(fresh)).status).toBe(200);
      expect((await send(fresh)).status).toBe(401);
      expect((await send(await dpopHeaders(token))).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('work as opaque tokens too: the introspection answer carries the binding', async () => {
    const token = await dpopToken(opaqueKey);
    expect(token.split('.')).toHaveLength(1);
    expect((await call(s.gw.url, await dpopHeaders(token))).status).toBe(200);
    const bearer = await call(s.gw.url, { authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(401);
    expect(bearer.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_token"/);
  });

  it('the DPoP scheme is refused for a token that is not DPoP-bound', async () => {
    const token = await s.token(jwtKey);
    expect((await call(s.gw.url, { authorization: `Bearer ${token}` })).status).toBe(200);
    const r = await call(s.gw.url, await dpopHeaders(token));
    expect(r.status).toBe(401);
    expect(r.json.description).toMatch(/not DPoP-bound/);
  });

  it('a proof admitted by one gateway node is refused by another sharing Redis', async () => {
    const token = await dpopToken(jwtKey);
    // both nodes serve the public URL, as behind one load balancer
    const headers = await dpopHeaders(token, `${PUBLIC}${RESOURCE}`);
    expect((await call(s.gw.url, headers)).status).toBe(200);
    const replay = await call(node2.url, headers);
    expect(replay.status).toBe(401);
    expect(replay.json.description).toMatch(/used before/);
    expect((await call(node2.url, await dpopHeaders(token, `${PUBLIC}${RESOURCE}`))).status).toBe(200);
  });
});

describe('certificate-bound tokens (RFC 8705)', { timeout: 60_000 }, () => {
  it('are admitted over mutual TLS with the bound certificate only', async () => {
    idp = await startTokenIssuer();
    const app = await s.fx.createApplication();
    await s.fx.subscribe(app.id, api.id);
    await s.fx.addIssuer({
      name: 'mTLS IdP',
      issuer: idp.url,
      jwksUrl: `${idp.url}/oauth2/jwks`,
      audience: 'apim-gateway',
    });
    await s.fx.mapKey(app.id, 'PRODUCTION', 'mtls-client', 'mTLS IdP');
    await s.synced();
    const x5t = Buffer.from(
      new X509Certificate(partner.cert).fingerprint256.replaceAll(':', ''),
      'hex',
    ).toString('base64url');
    const token = await idp.sign({ clientId: 'mtls-client', extraClaims: { cnf: { 'x5t#S256': x5t } } });
    const headers = { authorization: `Bearer ${token}` };
    expect((await callTls(partner, headers)).status).toBe(200);
    const wrong = await callTls(stranger, headers);
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({
      code: '900901',
      description: expect.stringMatching(/another client certificate/),
    });
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    const none = await callTls(null, headers);
    expect(none.json.description).toMatch(/presenting that certificate/);
    const plain = await call(s.gw.url, headers);
    expect(plain.status).toBe(401);
  });
});

/**
 * Sender-constrained tokens against real requests (a node:http server on port 0 runs the checks on
 * the request it received) and a real Redis for the replay store.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@apim/service';
import { cleanupRedis, testRedisPrefix, testRedisUrl } from '@apim/testing';
import { SenderConstraints, type Refusal } from './sender-constraint.js';
import { accessTokenHash } from './sender-constraint-dpop.js';
import { ProofReplayStore } from './sender-constraint-replay.js';

const prefix = testRedisPrefix();
const token = 'an-access-token-as-sent';
let redis: Redis;
let server: http.Server;
let port: number;
let es256: { privateKey: CryptoKey; jwk: JWK; jkt: string };

/** Each request is checked with the claims and scheme the test put in its headers. */
function startChecker(constraints: SenderConstraints): Promise<http.Server> {
  const s = http.createServer((req, res) => {
    const claims = JSON.parse(String(req.headers['x-claims'] ?? '{}')) as Record<string, unknown>;
    const scheme = req.headers['x-scheme'] === 'DPoP' ? 'DPoP' : 'Bearer';
    void constraints.check(claims, scheme, token, req).then((r) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r));
    });
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

function send(
  target: string,
  headers: Record<string, string>,
  o: { method?: string; port?: number } = {},
): Promise<Refusal | null> {
  return new Promise((resolve, reject) => {
    http
      .request(
        { host: '127.0.0.1', port: o.port ?? port, path: target, method: o.method ?? 'GET', headers },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(JSON.parse(body) as Refusal | null));
        },
      )
      .on('error', reject)
      .end();
  });
}

interface ProofSpec {
  htm?: string;
  htu?: string;
  iat?: number;
  ath?: string;
  jti?: string;
  header?: Record<string, unknown>;
  key?: CryptoKey;
  jwk?: JWK;
  alg?: string;
}

function proof(s: ProofSpec = {}): Promise<string> {
  return new SignJWT({
    htm: s.htm ?? 'GET',
    htu: s.htu ?? `http://127.0.0.1:${port}/api/1.0.0/items`,
    iat: s.iat ?? Math.floor(Date.now() / 1000),
    ath: s.ath ?? accessTokenHash(token),
    jti: s.jti ?? randomUUID(),
  })
    .setProtectedHeader({ alg: s.alg ?? 'ES256', typ: 'dpop+jwt', jwk: s.jwk ?? es256.jwk, ...s.header })
    .sign(s.key ?? es256.privateKey);
}

const bound = () => JSON.stringify({ cnf: { jkt: es256.jkt } });
const dpop = (p: string, claims = bound()) => ({ 'x-scheme': 'DPoP', 'x-claims': claims, dpop: p });

async function keyPair(alg: string, options: Parameters<typeof generateKeyPair>[1] = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

beforeAll(async () => {
  redis = new Redis(testRedisUrl(), { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  await new Promise((r) => redis.once('ready', r));
  es256 = await keyPair('ES256');
  const replays = new ProofReplayStore(redis, prefix, 65_000, 1000, createLogger('test', 'silent'));
  const constraints = new SenderConstraints(
    { proofMaxAgeSec: 60, clockSkewSec: 5, publicOrigins: ['https://api.example.com'] },
    () => ['gw.example.test'],
    replays,
  );
  server = await startChecker(constraints);
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  redis?.disconnect();
  await cleanupRedis(prefix);
});

describe('DPoP proofs (RFC 9449)', () => {
  it('admits a fresh proof signed by the bound key for this method and URL, once', async () => {
    const p = await proof();
    expect(await send('/api/1.0.0/items', dpop(p))).toBeNull();
    const replayed = await send('/api/1.0.0/items', dpop(p));
    expect(replayed?.description).toMatch(/used before/);
    expect(replayed?.challenge).toMatch(
      /^DPoP algs="ES256 ES384 RS256 PS256 EdDSA", error="invalid_dpop_proof"/,
    );
  });

  it('ignores the query of the request and of the htu', async () => {
    const p = await proof({ htu: `http://127.0.0.1:${port}/api/1.0.0/items?x=2` });
    expect(await send('/api/1.0.0/items?page=1', dpop(p))).toBeNull();
  });

  it.each([
    ['another method', { htm: 'POST' }, /method "POST", not GET/],
    ['another path', { htu: () => `http://127.0.0.1:${port}/api/1.0.0/other` }, /not for this request's URL/],
    [
      'another port',
      { htu: () => `http://127.0.0.1:${port + 1}/api/1.0.0/items` },
      /not for this request's URL/,
    ],
    [
      'https on a plain connection',
      { htu: () => `https://127.0.0.1:${port}/api/1.0.0/items` },
      /not for this request's URL/,
    ],
    ['an iat too old', { iat: Math.floor(Date.now() / 1000) - 61 }, /older than 60 seconds/],
    ['an iat in the future', { iat: Math.floor(Date.now() / 1000) + 30 }, /in the future/],
    ['the hash of another token', { ath: accessTokenHash('another token') }, /"ath"/],
    ['no ath', { ath: '' }, /"ath"/],
  ] as Array<[string, Omit<ProofSpec, 'htu'> & { htu?: () => string }, RegExp]>)(
    'refuses a proof with %s',
    async (_, spec, description) => {
      const p = await proof({ ...spec, htu: spec.htu?.() });
      const r = await send('/api/1.0.0/items', dpop(p));
      expect(r?.description).toMatch(description);
      expect(r?.challenge).toContain('error="invalid_dpop_proof"');
    },
  );

  it('refuses a proof signed by another key than the bound one', async () => {
    const other = await keyPair('ES256');
    const r = await send('/api/1.0.0/items', dpop(await proof({ key: other.privateKey, jwk: other.jwk })));
    expect(r?.description).toMatch(/another key than the one the access token is bound to/);
    // the bound key in the header, another key's signature
    const forged = await send('/api/1.0.0/items', dpop(await proof({ key: other.privateKey })));
    expect(forged?.description).toMatch(/signature does not verify/);
    const p = await proof();
    for (const signature of ['AA', 'A'.repeat(400)]) {
      const truncated = `${p.slice(0, p.lastIndexOf('.'))}.${signature}`;
      expect((await send('/api/1.0.0/items', dpop(truncated)))?.description).toMatch(
        /signature does not verify/,
      );
    }
    const eddsa = await keyPair('EdDSA', { crv: 'Ed25519' });
    const badEd = await proof({ alg: 'EdDSA', key: eddsa.privateKey, jwk: eddsa.jwk });
    const badEdSig = `${badEd.slice(0, badEd.lastIndexOf('.'))}.AAAA`;
    const claims = JSON.stringify({ cnf: { jkt: eddsa.jkt } });
    expect((await send('/api/1.0.0/items', dpop(badEdSig, claims)))?.description).toMatch(
      /signature does not verify/,
    );
  });

  it('refuses alg none, HMAC, a key that does not fit the algorithm, a private jwk, and other typ', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = b64({
      htm: 'GET',
      htu: `http://127.0.0.1:${port}/api/1.0.0/items`,
      iat: Date.now() / 1000,
      jti: 'n',
      ath: accessTokenHash(token),
    });
    const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: es256.jwk })}.${claims}.`;
    expect((await send('/api/1.0.0/items', dpop(none)))?.description).toMatch(/compact JWS/);
    const noneSigned = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: es256.jwk })}.${claims}.AAAA`;
    expect((await send('/api/1.0.0/items', dpop(noneSigned)))?.description).toMatch(
      /algorithm must be one of/,
    );
    const hs256 = await new SignJWT({ htm: 'GET' })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: es256.jwk })
      .sign(new TextEncoder().encode('a shared secret of enough length!!'));
    expect((await send('/api/1.0.0/items', dpop(hs256)))?.description).toMatch(/algorithm must be one of/);
    const es384 = await keyPair('ES384');
    const mismatched = await proof({ alg: 'ES384', key: es384.privateKey });
    expect((await send('/api/1.0.0/items', dpop(mismatched)))?.description).toMatch(/not a key for ES384/);
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const leaked = await proof({ key: privateKey, jwk: privateJwk });
    expect((await send('/api/1.0.0/items', dpop(leaked)))?.description).toMatch(/must be a public key/);
    const jwt = await proof({ header: { typ: 'JWT' } });
    expect((await send('/api/1.0.0/items', dpop(jwt)))?.description).toMatch(/"typ" must be "dpop\+jwt"/);
    const noJwk = await proof({ header: { jwk: undefined } });
    expect((await send('/api/1.0.0/items', dpop(noJwk)))?.description).toMatch(/needs the public key/);
  });

  it.each([
    ['ES384', {}],
    ['RS256', { modulusLength: 2048 }],
    ['PS256', { modulusLength: 2048 }],
    ['EdDSA', { crv: 'Ed25519' }],
  ] as Array<[string, Parameters<typeof generateKeyPair>[1]]>)('admits %s proofs', async (alg, options) => {
    const k = await keyPair(alg, options);
    const p = await proof({ alg, key: k.privateKey, jwk: k.jwk });
    expect(await send('/api/1.0.0/items', dpop(p, JSON.stringify({ cnf: { jkt: k.jkt } })))).toBeNull();
  });

  it('wants exactly one proof with the DPoP scheme, and a DPoP-bound token for it', async () => {
    const missing = await send('/api/1.0.0/items', { 'x-scheme': 'DPoP', 'x-claims': bound() });
    expect(missing?.description).toMatch(/proof header is required/);
    const p = await proof();
    const two = await send('/api/1.0.0/items', { ...dpop(p), dpop: `${p}, ${await proof()}` });
    expect(two?.description).toMatch(/exactly one/);
    const unbound = await send('/api/1.0.0/items', dpop(p, '{}'));
    expect(unbound?.description).toMatch(/not DPoP-bound/);
    expect(unbound?.challenge).toMatch(/^DPoP .*error="invalid_token"/);
  });

  it('refuses a DPoP-bound token sent as Bearer, and a cnf it cannot check', async () => {
    const asBearer = await send('/api/1.0.0/items', { 'x-claims': bound(), dpop: await proof() });
    expect(asBearer?.description).toMatch(/DPoP-bound: a DPoP proof is required/);
    expect(asBearer?.challenge).toMatch(/^DPoP algs=".*", error="invalid_token"/);
    const jwkBound = await send('/api/1.0.0/items', {
      'x-claims': JSON.stringify({ cnf: { jwk: es256.jwk } }),
    });
    expect(jwkBound?.description).toMatch(/cannot check/);
    expect(jwkBound?.challenge).toMatch(/^Bearer error="invalid_token"/);
  });

  it('needs a certificate over TLS for a certificate-bound token', async () => {
    const r = await send('/api/1.0.0/items', { 'x-claims': JSON.stringify({ cnf: { 'x5t#S256': 'abc' } }) });
    expect(r?.description).toMatch(/bound to a client certificate: call over HTTPS/);
  });
});

describe("a proof's htu", () => {
  it('may name a configured public origin (a TLS-terminating proxy in front)', async () => {
    const p = await proof({ htu: 'https://api.example.com/api/1.0.0/items' });
    expect(await send('/api/1.0.0/items', { ...dpop(p), host: 'internal:8280' })).toBeNull();
  });

  it('may name an environment vhost that the request was sent to', async () => {
    const p = await proof({ htu: `http://gw.example.test:${port}/api/1.0.0/items` });
    expect(await send('/api/1.0.0/items', { ...dpop(p), host: `gw.example.test:${port}` })).toBeNull();
  });

  it('never names another server, whatever the Host header says', async () => {
    // a proof a client made for another server, replayed here with that server's name as Host
    const p = await proof({ htu: `http://evil.example:${port}/api/1.0.0/items` });
    const r = await send('/api/1.0.0/items', { ...dpop(p), host: `evil.example:${port}` });
    expect(r?.description).toMatch(/not for this request's URL/);
    // a vhost of this gateway, but not the Host the request was sent to
    const q = await proof({ htu: `http://gw.example.test:${port}/api/1.0.0/items` });
    expect((await send('/api/1.0.0/items', dpop(q)))?.description).toMatch(/not for this request's URL/);
  });
});

/**
 * Redis holds only the brute-force counters: while it is down the key manager keeps issuing
 * tokens, says so once in its log and in /readyz ("degraded", still 200), locks accounts in the
 * database all the same, and enforces the counters again once Redis is back (empty: it saves
 * nothing). The Redis here is the test's own child, never the machine's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { hashPassword } from '@apim/service';
import { createTestDatabase, startRedisServer, type OwnRedis, type TestDatabase } from '@apim/testing';
import { startKeyManager, type StartedKeyManager } from '../testing.js';
import { captureLog } from '../test-helpers/log-capture.js';
import { basicAuth, getJson, postForm, type Json } from '../test-helpers/index.js';

const log = captureLog();
let db: TestDatabase;
let redis: OwnRedis;
let km: StartedKeyManager;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startRedisServer();
  km = await startKeyManager({
    databaseUrl: db.url,
    redisUrl: redis.url,
    redisPrefix: 'km-outage',
    logger: log.logger,
    env: { APIM_BRUTE_FORCE_MAX_FAILURES: '3', APIM_TRUST_PROXY: 'loopback' },
  });
  prisma = createPrismaClient(db.url, { poolSize: 1 });
});
afterAll(async () => {
  await km?.close();
  await redis?.stop();
  await prisma?.$disconnect();
  await db?.drop();
});

async function newClient(grantTypes = ['client_credentials'], extra: Record<string, unknown> = {}) {
  const res = await fetch(`${km.url}/internal/v1/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${km.internalSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientName: 'outage', grantTypes, ...extra }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { clientId: string; clientSecret: string };
}

const token = (c: { clientId: string }, secret: string, ip = '10.30.0.1') =>
  postForm(
    km.tokenEndpoint,
    { grant_type: 'client_credentials' },
    { authorization: basicAuth(c.clientId, secret), 'x-forwarded-for': ip },
  );

const POLL = { timeout: 15_000, interval: 100 };
const UNAVAILABLE = /brute-force guard: Redis unavailable/;

describe('Redis outage', () => {
  it('reports both dependencies when all is well', async () => {
    const ready = await fetch(`${km.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { database: { status: 'ok' }, redis: { status: 'ok' } },
    });
  });

  it('keeps issuing tokens while Redis is down, and says so once in its log and in /readyz', async () => {
    const c = await newClient();
    expect((await token(c, c.clientSecret)).status).toBe(200);
    await redis.stop();

    for (let i = 0; i < 5; i++) expect((await token(c, c.clientSecret)).status).toBe(200);
    // a wrong secret is still a wrong secret, not an error
    expect((await token(c, 'wrong')).status).toBe(401);
    expect(log.messages().filter((m) => UNAVAILABLE.test(m))).toHaveLength(1);

    const ready = await fetch(`${km.url}/readyz`);
    expect(ready.status).toBe(200);
    const report: Json = await ready.json();
    expect(report).toMatchObject({ status: 'degraded', checks: { database: { status: 'ok' } } });
    expect(report.checks.redis.status).toBe('error');
  });

  it('still locks accounts, in the database, while Redis is down', async () => {
    await prisma.user.create({
      data: { username: 'during-outage', passwordHash: await hashPassword('right-password-3') },
    });
    const c = await newClient(['password'], { allowPasswordGrant: true });
    const grant = (password: string, ip: string) =>
      postForm(
        km.tokenEndpoint,
        { grant_type: 'password', username: 'during-outage', password },
        { authorization: basicAuth(c.clientId, c.clientSecret), 'x-forwarded-for': ip },
      );
    for (let i = 0; i < 3; i++) expect((await grant(`wrong-${i}`, `10.31.0.${i}`)).status).toBe(400);
    expect((await grant('right-password-3', '10.31.1.1')).body.error).toBe('invalid_grant');
    const row = await prisma.user.findUniqueOrThrow({ where: { username: 'during-outage' } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it('enforces the counters again once Redis is back', async () => {
    await redis.start();
    await expect.poll(async () => (await getJson(`${km.url}/readyz`)).status, POLL).toBe('ok');

    const c = await newClient();
    for (let i = 0; i < 3; i++) expect((await token(c, `wrong-${i}`, '10.32.0.1')).status).toBe(401);
    const blocked = await token(c, c.clientSecret, '10.32.0.1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(log.messages()).toContain('brute-force guard: Redis is back, enforcing again');
  });
});

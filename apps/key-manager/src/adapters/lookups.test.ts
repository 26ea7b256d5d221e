/**
 * The in-memory lookups of the token endpoint are exact: two key manager instances on one
 * database, changes made through one instance's API or straight in the database (as the control
 * plane makes them) reach the other through the triggers' NOTIFY, and while that connection is
 * down every lookup reads the database.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { testRedisUrl } from '@apim/testing';
import { startKeyManager, type StartedKeyManager } from '../testing.js';
import {
  basicAuth,
  createApplicationFor,
  postForm,
  useKeyManager,
  type Json,
} from '../test-helpers/index.js';

const keyEncryptionKey = randomBytes(32).toString('base64url');
const internalSecret = randomBytes(32).toString('base64url');
const f = useKeyManager({ keyEncryptionKey, internalSecret });
let b: StartedKeyManager;

beforeAll(async () => {
  b = await startKeyManager({
    databaseUrl: f.db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: f.redisPrefix,
    keyEncryptionKey,
    internalSecret,
  });
});
afterAll(() => b?.close());

const POLL = { timeout: 10_000, interval: 25 };

async function sql(text: string, values: unknown[] = [], options: { withoutTriggers?: boolean } = {}) {
  const client = new pg.Client({ connectionString: f.db.url });
  await client.connect();
  try {
    // as a replica would apply it: the change is made, but no trigger fires (nobody is told)
    if (options.withoutTriggers) await client.query('SET session_replication_role = replica');
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

async function tokenAt(
  km: StartedKeyManager,
  c: { clientId: string; clientSecret: string },
  scope = 'apim:subscribe',
) {
  return postForm(
    km.tokenEndpoint,
    { grant_type: 'client_credentials', scope },
    { authorization: basicAuth(c.clientId, c.clientSecret) },
  );
}

async function claimsAt(km: StartedKeyManager, c: { clientId: string; clientSecret: string }) {
  const res = await tokenAt(km, c);
  expect(res.status).toBe(200);
  return decodeJwt(res.body.access_token) as Json;
}

async function newClient(): Promise<{ clientId: string; clientSecret: string }> {
  const res = await f.internal('POST', '/clients', {
    clientName: 'cached',
    grantTypes: ['client_credentials'],
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe('lookup cache across instances', () => {
  it('serves from memory: a change nobody announces is not seen', async () => {
    const c = await newClient();
    const app = await createApplicationFor(f.prisma, c.clientId, { tier: 'Gold' });
    expect((await claimsAt(b, c)).application.tier).toBe('Gold');
    await sql('UPDATE application SET throttling_policy = $1 WHERE id = $2', ['Silver', app.id], {
      withoutTriggers: true,
    });
    expect((await claimsAt(b, c)).application.tier).toBe('Gold');
    // the same change, announced: seen
    await sql('UPDATE application SET throttling_policy = $1 WHERE id = $2', ['Bronze', app.id]);
    await expect.poll(async () => (await claimsAt(b, c)).application.tier, POLL).toBe('Bronze');
  });

  it('refuses a regenerated secret at the other instance, and takes the new one', async () => {
    const c = await newClient();
    expect((await tokenAt(b, c)).status).toBe(200);
    const regenerated = await f.internal('POST', `/clients/${c.clientId}/regenerate-secret`);
    expect(regenerated.status).toBe(200);
    // at once at the instance that made the change
    expect((await tokenAt(f.km, c)).status).toBe(401);
    await expect.poll(async () => (await tokenAt(b, c)).status, POLL).toBe(401);
    expect((await tokenAt(b, { ...c, clientSecret: regenerated.body.clientSecret })).status).toBe(200);
  });

  it('applies a client update at once where it was made, and soon at the other instance', async () => {
    const c = await newClient();
    expect((await tokenAt(f.km, c)).body.expires_in).toBe(3600);
    expect((await tokenAt(b, c)).body.expires_in).toBe(3600);
    expect((await f.internal('PATCH', `/clients/${c.clientId}`, { accessTokenTtl: 600 })).status).toBe(200);
    expect((await tokenAt(f.km, c)).body.expires_in).toBe(600);
    await expect.poll(async () => (await tokenAt(b, c)).body.expires_in, POLL).toBe(600);
  });

  it('follows key mappings, application settings and owner roles changed in the database', async () => {
    await f.prisma.user.create({
      data: { username: 'owner1', passwordHash: 'x', roles: { create: [{ roleName: 'subscriber' }] } },
    });
    const c = await newClient();
    const app = await createApplicationFor(f.prisma, c.clientId, { owner: 'owner1', keyType: 'SANDBOX' });
    const first = await claimsAt(b, c);
    expect(first).toMatchObject({ keytype: 'SANDBOX', scope: 'apim:subscribe' });

    await f.prisma.applicationKey.updateMany({
      where: { consumerKey: c.clientId },
      data: { keyType: 'PRODUCTION' },
    });
    await expect.poll(async () => (await claimsAt(b, c)).keytype, POLL).toBe('PRODUCTION');

    await f.prisma.application.update({ where: { id: app.id }, data: { name: 'renamed' } });
    await expect.poll(async () => (await claimsAt(b, c)).application.name, POLL).toBe('renamed');

    // the owner loses the role that grants apim:subscribe
    await f.prisma.userRole.deleteMany({ where: { user: { username: 'owner1' } } });
    await expect.poll(async () => (await claimsAt(b, c)).scope, POLL).toBeUndefined();

    await f.prisma.applicationKey.deleteMany({ where: { consumerKey: c.clientId } });
    await expect.poll(async () => (await claimsAt(b, c)).application, POLL).toBeUndefined();
  });

  it('follows the roles a scope is bound to', async () => {
    const c = await newClient();
    await createApplicationFor(f.prisma, c.clientId);
    await f.prisma.scope.create({ data: { name: 'pizza:order', roles: ['no-one-has-this'] } });
    const res = await tokenAt(b, c, 'pizza:order');
    expect(decodeJwt(res.body.access_token).scope).toBeUndefined();
    await f.prisma.scope.update({ where: { name: 'pizza:order' }, data: { roles: ['admin'] } });
    await expect
      .poll(async () => decodeJwt((await tokenAt(b, c, 'pizza:order')).body.access_token).scope, POLL)
      .toBe('pizza:order');
  });
});

describe('lookup cache without its notifications', () => {
  const listenerBackends = async () =>
    (
      await sql(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'apim-key-manager-lookups'`,
      )
    ).rows.map((r: { pid: number }) => r.pid);

  it('reads the database while the listening connection is down, and caches again once it is back', async () => {
    const c = await newClient();
    const app = await createApplicationFor(f.prisma, c.clientId, { tier: 'Gold' });
    expect((await claimsAt(b, c)).application.tier).toBe('Gold');

    const before = await listenerBackends();
    expect(before).toHaveLength(2); // one per instance
    await sql('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    // while no change can be heard, nothing is served from memory, even an unannounced change
    await sql('UPDATE application SET throttling_policy = $1 WHERE id = $2', ['Silver', app.id], {
      withoutTriggers: true,
    });
    await expect.poll(async () => (await claimsAt(b, c)).application.tier, POLL).toBe('Silver');

    // back: both instances listen on new connections, and cache again
    await expect
      .poll(async () => (await listenerBackends()).filter((pid) => !before.includes(pid)).length, POLL)
      .toBe(2);
    await expect.poll(() => f.km.app.lookupCacheOn() && b.app.lookupCacheOn(), POLL).toBe(true);
    await sql('UPDATE application SET throttling_policy = $1 WHERE id = $2', ['Bronze', app.id]);
    await expect.poll(async () => (await claimsAt(b, c)).application.tier, POLL).toBe('Bronze');
    await sql('UPDATE application SET throttling_policy = $1 WHERE id = $2', ['Gold', app.id], {
      withoutTriggers: true,
    });
    expect((await claimsAt(b, c)).application.tier).toBe('Bronze');
  });
});

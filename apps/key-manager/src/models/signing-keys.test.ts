import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { runCleanup } from '../jobs/cleanup.js';
import { decryptSecret } from '@apim/service';
import { discover, getJson, useKeyManager, type KeyManagerFixture } from '../test-helpers/index.js';

const f = useKeyManager();
const es = useKeyManager({ signingAlg: 'ES256' });

async function clientCredentialsToken(fx: KeyManagerFixture) {
  const { body } = await fx.internal('POST', '/clients', {
    clientName: 'keys',
    grantTypes: ['client_credentials'],
  });
  const tokens = await oidc.clientCredentialsGrant(await discover(fx.km, body.clientId, body.clientSecret));
  return tokens.access_token;
}

async function kids(fx: KeyManagerFixture): Promise<string[]> {
  return (await getJson(fx.km.jwksUri)).keys.map((k: { kid: string }) => k.kid);
}

describe('signing keys', () => {
  it('keeps private keys encrypted at rest', async () => {
    const rows = await f.prisma.signingKey.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.privateJwkEncrypted).toMatch(/^v1\./);
      expect(row.privateJwkEncrypted).not.toContain('"d"');
      expect(row.publicJwk).not.toHaveProperty('d');
      expect(() => decryptSecret(Buffer.alloc(32, 7), row.privateJwkEncrypted)).toThrow();
    }
  });

  it('rotates without rejecting any token still in flight', async () => {
    const before = await clientCredentialsToken(f);
    const oldKid = decodeProtectedHeader(before).kid!;

    // published first, signing later: the old key keeps signing until the new one activates
    const pending = await f.internal('POST', '/signing-keys/rotate', { leadSeconds: 3600 });
    expect(pending.status).toBe(201);
    expect(await kids(f)).toEqual(expect.arrayContaining([oldKid, pending.body.kid]));
    expect(decodeProtectedHeader(await clientCredentialsToken(f)).kid).toBe(oldKid);

    // a rotation that activates at once: new tokens are signed with the new key
    const now = await f.internal('POST', '/signing-keys/rotate', { leadSeconds: 0 });
    const after = await clientCredentialsToken(f);
    expect(decodeProtectedHeader(after).kid).toBe(now.body.kid);

    const jwks = createRemoteJWKSet(new URL(f.km.jwksUri));
    for (const t of [before, after])
      await expect(jwtVerify(t, jwks, { issuer: f.km.issuer })).resolves.toBeTruthy();

    const old = await f.prisma.signingKey.findUniqueOrThrow({ where: { kid: oldKid } });
    expect(old.retiredAt).not.toBeNull();
    expect(old.expiresAt!.getTime()).toBeGreaterThanOrEqual(old.retiredAt!.getTime() + 3600 * 1000);
    const events = await f.prisma.gatewayEvent.findMany({ where: { type: 'SIGNING_KEYS_CHANGED' } });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect((events.at(-1)!.payload as { kids: string[] }).kids).toEqual(
      expect.arrayContaining([oldKid, now.body.kid]),
    );
  });

  it('unpublishes a key once its last token has expired, and cleans expired rows', async () => {
    const [oldest] = await f.prisma.signingKey.findMany({
      where: { retiredAt: { not: null } },
      orderBy: { activatesAt: 'asc' },
    });
    await f.prisma.signingKey.update({
      where: { kid: oldest!.kid },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const past = new Date(Date.now() - 60_000);
    await f.prisma.oidcPayload.create({ data: { id: 'old', type: 'Session', payload: {}, expiresAt: past } });
    await f.prisma.revokedToken.create({ data: { jti: 'old-jti', expiresAt: past } });

    const result = await runCleanup(f.prisma, f.km.app.keyStore, { rotationDays: 90 });
    expect(result.signingKeys).toBe(1);
    expect(result.payloads).toBeGreaterThanOrEqual(1);
    expect(result.revokedTokens).toBe(1);
    expect(result.rotatedTo).toBeUndefined();
    await f.km.app.reloadKeys();
    expect(await kids(f)).not.toContain(oldest!.kid);
    expect(await f.prisma.revokedToken.findUnique({ where: { jti: 'old-jti' } })).toBeNull();
  });

  it('rotates on schedule when the signing key is too old', async () => {
    const result = await runCleanup(f.prisma, f.km.app.keyStore, { rotationDays: 0 });
    expect(result.rotatedTo).toBeTruthy();
  });

  it('signs with ES256 when configured', async () => {
    const token = await clientCredentialsToken(es);
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    const jwks = createLocalJWKSet(await getJson(es.km.jwksUri));
    await expect(
      jwtVerify(token, jwks, { issuer: es.km.issuer, audience: 'apim-gateway' }),
    ).resolves.toBeTruthy();
  });
});

/**
 * validityPeriod of generate-token, end to end with the real key manager: the token it returns
 * lives that long, never longer than the key's validity time, and bad values are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { restClient, startTestBed, type TestBed } from '../test-support.js';

const DEV = '/api/am/devportal/v3';

let bed: TestBed;
let call: ReturnType<typeof restClient>;
const dev = { username: 'vera', password: 'vera-password-1' };
let appId: string;
let keys: { keyMappingId: string; consumerSecret: string };

beforeAll(async () => {
  bed = await startTestBed({ keyManager: true });
  call = restClient(bed.cp.url, bed.cp.app.documents);
  expect((await call('POST', `${DEV}/me/sign-up`, { json: dev })).status).toBe(201);
  const app = await call<{ applicationId: string }>('POST', `${DEV}/applications`, {
    as: dev,
    json: { name: 'ShortLived', throttlingPolicy: 'Unlimited' },
  });
  appId = app.body.applicationId;
  const generated = await call<typeof keys>('POST', `${DEV}/applications/${appId}/generate-keys`, {
    as: dev,
    json: { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: '600' },
  });
  expect(generated.status, JSON.stringify(generated.body)).toBe(200);
  keys = generated.body;
});
afterAll(async () => bed?.close());

function generateToken(body: Record<string, unknown>, path = `oauth-keys/${keys.keyMappingId}`) {
  return call<{ accessToken: string; validityTime: number; description?: string }>(
    'POST',
    `${DEV}/applications/${appId}/${path}/generate-token`,
    { as: dev, json: { consumerSecret: keys.consumerSecret, ...body } },
  );
}

/** exp - iat of a token, verified against the key manager's keys. */
async function lifetimeOf(accessToken: string): Promise<number> {
  const { payload } = await jwtVerify(accessToken, createRemoteJWKSet(new URL(bed.km!.jwksUri)));
  return payload.exp! - payload.iat!;
}

describe('generate-token validityPeriod', () => {
  it('issues a token valid for the period asked for', async () => {
    const token = await generateToken({ validityPeriod: 120 });
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(token.body.validityTime).toBe(120);
    expect(await lifetimeOf(token.body.accessToken)).toBe(120);
    // the older path by key type takes it too
    const byType = await generateToken({ validityPeriod: 60 }, 'keys/PRODUCTION');
    expect(byType.body.validityTime).toBe(60);
    expect(await lifetimeOf(byType.body.accessToken)).toBe(60);
  });

  it("gives the key's validity time for a longer period, for -1 and when none is asked for", async () => {
    for (const body of [{ validityPeriod: 7200 }, { validityPeriod: -1 }, {}]) {
      const token = await generateToken(body);
      expect(token.status, JSON.stringify(body)).toBe(200);
      expect(token.body.validityTime).toBe(600);
      expect(await lifetimeOf(token.body.accessToken)).toBe(600);
    }
  });

  it('refuses 0, negative periods other than -1, fractions and strings with a 400 that names the field', async () => {
    for (const validityPeriod of [0, -5, 1.5, '120']) {
      const res = await generateToken({ validityPeriod });
      expect(res.status, String(validityPeriod)).toBe(400);
      expect(res.body.description, String(validityPeriod)).toMatch(/validityPeriod/);
    }
    for (const validityPeriod of [0, -5])
      expect((await generateToken({ validityPeriod })).body.description).toBe(
        "'validityPeriod' must be a whole number of seconds above 0, or -1 for the key's validity time",
      );
    expect((await generateToken({ validityPeriod: 1.5 })).body.description).toBe(
      "Request body field 'validityPeriod' must be integer",
    );
  });
});

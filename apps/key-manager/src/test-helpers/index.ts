/** Helpers shared by this app's tests: a key manager on a fresh database, and its internal API. */
import { afterAll, beforeAll } from 'vitest';
import * as oidc from 'openid-client';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { startKeyManager, type StartKeyManagerOptions, type StartedKeyManager } from '../testing.js';

/** A JSON answer; its shape is what the tests assert. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function getJson(url: string, init?: RequestInit): Promise<Json> {
  return (await fetch(url, init)).json();
}

export interface KeyManagerFixture {
  km: StartedKeyManager;
  prisma: PrismaClient;
  db: TestDatabase;
  redisPrefix: string;
  /** calls the internal API with the internal secret */
  internal(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

/** Starts a key manager for this test file (beforeAll) and stops it (afterAll). */
export function useKeyManager(options: Partial<StartKeyManagerOptions> = {}): KeyManagerFixture {
  const fixture = {} as KeyManagerFixture;
  beforeAll(async () => {
    fixture.db = await createTestDatabase();
    fixture.redisPrefix = testRedisPrefix();
    fixture.km = await startKeyManager({
      databaseUrl: fixture.db.url,
      redisUrl: testRedisUrl(),
      redisPrefix: fixture.redisPrefix,
      ...options,
    });
    fixture.prisma = createPrismaClient(fixture.db.url, { poolSize: 2 });
    fixture.internal = async (method, path, body) => {
      const res = await fetch(`${fixture.km.url}/internal/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${fixture.km.internalSecret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
  });
  afterAll(async () => {
    await fixture.km?.close();
    await fixture.prisma?.$disconnect();
    await fixture.db?.drop();
    if (fixture.redisPrefix) await cleanupRedis(fixture.redisPrefix);
  });
  return fixture;
}

/** openid-client configuration by discovery, for a confidential or public client. */
export function discover(km: StartedKeyManager, clientId: string, clientSecret?: string) {
  return oidc.discovery(
    new URL(km.issuer),
    clientId,
    clientSecret,
    clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
}

/** A subscriber-style application owned by `owner`, with the client as its key of `keyType`. */
export async function createApplicationFor(
  prisma: PrismaClient,
  clientId: string,
  options: {
    owner?: string;
    name?: string;
    tier?: string;
    keyType?: 'PRODUCTION' | 'SANDBOX';
    tokenType?: 'JWT' | 'OPAQUE';
  } = {},
) {
  const owner = await prisma.user.findUniqueOrThrow({ where: { username: options.owner ?? 'admin' } });
  const app = await prisma.application.create({
    data: {
      name: options.name ?? `app-${clientId.slice(0, 8)}`,
      ownerId: owner.id,
      throttlingPolicy: options.tier ?? '50PerMin',
      tokenType: options.tokenType ?? 'JWT',
    },
  });
  await prisma.applicationKey.create({
    data: { applicationId: app.id, keyType: options.keyType ?? 'PRODUCTION', consumerKey: clientId },
  });
  return app;
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** A raw form POST (for the negative tests openid-client would refuse to make). */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await res.text();
  let body: Json = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (revocation answers an empty body)
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * A real stack for handler tests: a database of the test's own, the real key manager, a backend,
 * the control-plane fixture and one gateway, all on port 0.
 */
import { request } from 'undici';
import type { KeyType } from '@apim/contracts';
import { startKeyManager, type StartedKeyManager } from '@apim/key-manager/testing';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { startGateway, type StartedGateway } from '../testing.js';
import { startBackend, type TestBackend } from './backend.js';
import { ControlPlaneFixture } from './control-plane-fixture.js';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
  text: string;
}

export interface Stack {
  db: TestDatabase;
  fx: ControlPlaneFixture;
  km: StartedKeyManager;
  backend: TestBackend;
  gw: StartedGateway;
  /** the Redis key prefix (and BullMQ queue prefix) of this stack */
  redisPrefix: string;
  call(
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<CallResult>;
  /** an OAuth client at the key manager, mapped to the application as its key of this type */
  newKey(applicationId: string, keyType?: KeyType): Promise<{ clientId: string; clientSecret: string }>;
  /** a client_credentials access token from the key manager */
  token(key: { clientId: string; clientSecret: string }, scope?: string): Promise<string>;
  /** an API key from the key manager */
  apiKey(
    applicationId: string,
    options?: { keyType?: KeyType; permittedIps?: string[]; permittedReferers?: string[] },
  ): Promise<string>;
  /** resolves once the gateway has applied every event committed so far */
  synced(): Promise<void>;
  close(): Promise<void>;
}

async function json(method: string, url: string, headers: Record<string, string>, body?: string) {
  const res = await request(url, { method: method as 'POST', headers, body });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

export async function startStack(
  options: { gatewayEnv?: Record<string, string>; keyManagerEnv?: Record<string, string> } = {},
): Promise<Stack> {
  const db = await createTestDatabase();
  const prefix = testRedisPrefix();
  const km = await startKeyManager({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    env: options.keyManagerEnv,
  });
  const backend = await startBackend();
  const fx = new ControlPlaneFixture(db.url);
  const gw = await startGateway({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: km.url,
    internalSecret: km.internalSecret,
    env: options.gatewayEnv,
  });
  const internal = { authorization: `Bearer ${km.internalSecret}`, 'content-type': 'application/json' };
  const stack: Stack = {
    db,
    fx,
    km,
    backend,
    gw,
    redisPrefix: prefix,
    async call(path, init = {}) {
      const res = await request(`${gw.url}${path}`, {
        method: (init.method ?? 'GET') as 'GET',
        headers: init.headers,
        body: init.body,
      });
      const text = await res.body.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      return { status: res.statusCode, headers: res.headers, json: parsed, text };
    },
    async newKey(applicationId, keyType = 'PRODUCTION') {
      const created = await json(
        'POST',
        `${km.url}/internal/v1/clients`,
        internal,
        JSON.stringify({ clientName: `key-${applicationId}-${keyType}`, grantTypes: ['client_credentials'] }),
      );
      const key = { clientId: String(created.clientId), clientSecret: String(created.clientSecret) };
      await fx.mapKey(applicationId, keyType, key.clientId);
      return key;
    },
    async token(key, scope) {
      const basic = Buffer.from(
        `${encodeURIComponent(key.clientId)}:${encodeURIComponent(key.clientSecret)}`,
      ).toString('base64');
      const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
      const t = await json(
        'POST',
        km.tokenEndpoint,
        { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        form.toString(),
      );
      return String(t.access_token);
    },
    async apiKey(applicationId, o = {}) {
      const k = await json(
        'POST',
        `${km.url}/internal/v1/api-keys`,
        internal,
        JSON.stringify({ applicationId, keyType: o.keyType ?? 'PRODUCTION', validityPeriod: 3600, ...o }),
      );
      return String(k.apikey);
    },
    async synced() {
      const last = await fx.lastEventId();
      for (let i = 0; i < 400 && gw.app.state.lastEventId < last; i++)
        await new Promise((r) => setTimeout(r, 25));
      if (gw.app.state.lastEventId < last) throw new Error('the gateway did not catch up with the event log');
    },
    async close() {
      await gw.close();
      await km.close();
      await fx.close();
      await backend.close();
      await cleanupRedis(prefix);
      await db.drop();
    },
  };
  return stack;
}

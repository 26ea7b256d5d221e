/**
 * The whole product for cross-app tests: a fresh database, the key manager, the control plane and
 * a gateway, sharing one Redis prefix, started as `npm start` would start them (in process); plus the
 * REST call helper those tests use.
 */
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { startGateway, type StartedGateway } from '@apim/gateway/testing';
import { startKeyManager, type StartedKeyManager } from '@apim/key-manager/testing';
import {
  TEST_ADMIN_PASSWORD,
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';

export interface User {
  username: string;
  password: string;
}

export const admin: User = { username: 'admin', password: TEST_ADMIN_PASSWORD };

export function basic(who: User): string {
  return `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}`;
}

export interface Product {
  db: TestDatabase;
  km: StartedKeyManager;
  cp: RunningControlPlane;
  gw: StartedGateway;
  /** one more gateway node on the same database, Redis and key manager (closed with the product) */
  addGateway(env?: Record<string, string>): Promise<StartedGateway>;
  /** a control-plane REST call as `who` (Basic), JSON or multipart body; answers status and JSON */
  rest<T = Record<string, unknown>>(
    method: string,
    path: string,
    who: User | null,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startProduct(options: { gatewayEnv?: Record<string, string> } = {}): Promise<Product> {
  const prefix = testRedisPrefix();
  const db = await createTestDatabase();
  const km = await startKeyManager({ databaseUrl: db.url, redisUrl: testRedisUrl(), redisPrefix: prefix });
  const shared = {
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: km.url,
    internalSecret: km.internalSecret,
  };
  const cp = await startControlPlane(shared);
  const gateways: StartedGateway[] = [];
  const addGateway = async (env = options.gatewayEnv) => {
    const started = await startGateway({ ...shared, ...(env ? { env } : {}) });
    gateways.push(started);
    return started;
  };
  const gw = await addGateway();
  return {
    db,
    km,
    cp,
    gw,
    addGateway,
    async rest<T>(method: string, path: string, who: User | null, body?: unknown) {
      const form = body instanceof FormData;
      const res = await fetch(`${cp.url}${path}`, {
        method,
        headers: {
          ...(who ? { authorization: basic(who) } : {}),
          ...(body === undefined || form ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    },
    async close() {
      for (const g of gateways) await g.close();
      await cp.close();
      await km.close();
      await db.drop();
      await cleanupRedis(prefix);
    },
  };
}

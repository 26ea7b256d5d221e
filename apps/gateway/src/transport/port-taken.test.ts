/**
 * A gateway whose port another program holds: its worker cannot listen, says which setting and
 * port, and the gateway stops with EXIT_CONFIG instead of restarting the worker for ever while the
 * other program answers in its place.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CONFIG } from '@apim/service';
import { createTestDatabase, testRedisPrefix, testRedisUrl, type TestDatabase } from '@apim/testing';
import { startGatewayProcess } from '../testing.js';

let db: TestDatabase;
let squatter: Server;

beforeAll(async () => {
  db = await createTestDatabase();
  squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await new Promise((r) => squatter.close(r));
  await db?.drop();
});

describe('a gateway whose port is taken', () => {
  it('stops with EXIT_CONFIG and a line naming APIM_GATEWAY_PORT', async () => {
    const taken = (squatter.address() as AddressInfo).port;
    const started = startGatewayProcess({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      redisPrefix: testRedisPrefix(),
      keyManagerUrl: 'http://127.0.0.1:9',
      internalSecret: 'p'.repeat(40),
      env: { APIM_GATEWAY_PORT: String(taken) },
    });
    const failure = await started.then(
      async (g) => {
        await g.close();
        return null;
      },
      (e: Error) => e.message,
    );
    expect(failure).toMatch(new RegExp(`^gateway process exited with ${EXIT_CONFIG}: `));
    expect(failure).toContain(
      `gateway: Invalid configuration: APIM_GATEWAY_PORT (127.0.0.1:${taken}) is taken by another program: stop it or set another port`,
    );
  }, 60_000);
});

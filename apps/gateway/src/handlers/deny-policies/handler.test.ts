import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi, GatewayApplication } from '@apim/contracts';
import { startStack, type CallResult, type Stack } from '../../test-support/stack.js';

let s: Stack;
let api: GatewayApi;
let app: GatewayApplication;
let token: string;

beforeAll(async () => {
  s = await startStack();
  api = await s.fx.deployApi({ context: '/deny', backendUrl: s.backend.url });
  app = await s.fx.createApplication({ name: 'DenyMe' });
  await s.fx.subscribe(app.id, api.id);
  const key = await s.newKey(app.id);
  await s.synced();
  token = await s.token(key);
});

afterAll(async () => {
  await s?.close();
});

const get = (): Promise<CallResult> =>
  s.call('/deny/1.0.0/x', { headers: { authorization: `Bearer ${token}` } });

describe('deny policies handler', () => {
  const conditions: Array<['API' | 'APPLICATION' | 'USER' | 'IP' | 'IPRANGE', () => unknown]> = [
    ['API', () => '/deny/1.0.0'],
    ['APPLICATION', () => `admin:${app.name}`],
    // the application's owner: a client-credentials token acts for them
    ['USER', () => 'admin'],
    ['IP', () => '127.0.0.1'],
    ['IPRANGE', () => ({ startingIp: '127.0.0.0', endingIp: '127.0.0.255', invert: false })],
  ];
  it.each(conditions)(
    'refuses requests matching an enabled %s condition with 403 900805, until it is removed',
    async (type, value) => {
      expect((await get()).status).toBe(200);
      const id = await s.fx.addDenyPolicy(type, value());
      await s.synced();
      const r = await get();
      expect(r.status).toBe(403);
      expect(r.json.code).toBe('900805');
      await s.fx.removeDenyPolicy(id);
      await s.synced();
      expect((await get()).status).toBe(200);
    },
  );

  it('honours an inverted IP range (everyone outside it is blocked)', async () => {
    const id = await s.fx.addDenyPolicy('IPRANGE', {
      startingIp: '10.0.0.0',
      endingIp: '10.0.0.255',
      invert: true,
    });
    await s.synced();
    expect((await get()).json.code).toBe('900805');
    await s.fx.removeDenyPolicy(id);
    await s.synced();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { startStack, type CallResult, type Stack } from '../../test-support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
  await s.fx.upsertPolicy({ type: 'APPLICATION', name: 'TwoPerMin', requestCount: 2 });
  await s.fx.upsertPolicy({
    type: 'SUBSCRIPTION',
    name: 'Bursty',
    requestCount: 1000,
    rateLimitCount: 2,
    rateLimitTimeUnit: 'min',
  });
  await s.fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'Soft', requestCount: 1, stopOnQuotaReach: false });
  await s.fx.upsertPolicy({
    type: 'ADVANCED',
    name: 'ThreePerMinVipOne',
    requestCount: 3,
    conditionalGroups: [
      {
        requestCount: 1,
        conditions: [{ type: 'HEADERCONDITION', invertCondition: false, name: 'x-tier', value: 'vip' }],
      },
    ],
  });
  await s.fx.upsertPolicy({ type: 'ADVANCED', name: 'TwoPerMinResource', requestCount: 2 });
});

afterAll(async () => {
  await s?.close();
});

/** A fresh application subscribed to a fresh API, and a function calling it n times. */
async function setup(
  api: Parameters<Stack['fx']['deployApi']>[0],
  tier = 'Unlimited',
  appTier = 'Unlimited',
): Promise<{
  api: GatewayApi;
  calls: (n: number, path?: string, headers?: Record<string, string>) => Promise<CallResult[]>;
}> {
  const deployed = await s.fx.deployApi({ backendUrl: s.backend.url, ...api });
  const app = await s.fx.createApplication({ throttlingPolicy: appTier });
  await s.fx.subscribe(app.id, deployed.id, tier);
  const key = await s.newKey(app.id);
  await s.synced();
  const token = await s.token(key);
  return {
    api: deployed,
    calls: async (n, path = '/x', headers = {}) => {
      const out: CallResult[] = [];
      for (let i = 0; i < n; i++)
        out.push(
          await s.call(`${deployed.context}/1.0.0${path}`, {
            headers: { authorization: `Bearer ${token}`, ...headers },
          }),
        );
      return out;
    },
  };
}

const codes = (rs: CallResult[]) =>
  rs.map((r) => (r.status === 200 ? 200 : `${r.status}/${String(r.json.code)}`));

describe('throttling handler', () => {
  it('applies the application tier (900803) with Retry-After and RateLimit headers', async () => {
    const { calls } = await setup({}, 'Unlimited', 'TwoPerMin');
    const rs = await calls(3);
    expect(codes(rs)).toEqual([200, 200, '429/900803']);
    expect(rs[0]!.headers['ratelimit-limit']).toBe('2');
    expect(Number(rs[2]!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('applies subscription burst control (900807)', async () => {
    const { calls } = await setup({}, 'Bursty');
    expect(codes(await calls(3))).toEqual([200, 200, '429/900807']);
  });

  it('lets requests past a quota that does not stop on reach', async () => {
    const { calls } = await setup({}, 'Soft');
    expect(codes(await calls(3))).toEqual([200, 200, 200]);
  });

  it('applies an API-level advanced policy (900800) and its conditional group', async () => {
    const { calls } = await setup({ apiThrottlingPolicy: 'ThreePerMinVipOne' });
    expect(codes(await calls(2, '/x', { 'x-tier': 'vip' }))).toEqual([200, '429/900800']);
    expect(codes(await calls(4))).toEqual([200, 200, 200, '429/900800']);
  });

  it('applies a resource-level policy per resource (900802)', async () => {
    const { calls } = await setup({
      operations: [
        { verb: 'GET', target: '/limited', throttlingPolicy: 'TwoPerMinResource' },
        { verb: 'GET', target: '/free' },
      ],
    });
    expect(codes(await calls(3, '/limited'))).toEqual([200, 200, '429/900802']);
    expect(codes(await calls(3, '/free'))).toEqual([200, 200, 200]);
  });

  it('protects the backend with its max TPS (503 900801)', async () => {
    const { calls } = await setup({ maxTps: { production: 1 } });
    const rs = await Promise.all([calls(1), calls(1), calls(1)]);
    const flat = rs.flat();
    expect(flat.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(flat.some((r) => r.status === 503 && r.json.code === '900801')).toBe(true);
  });
});

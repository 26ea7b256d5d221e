/**
 * The access line written member by member reads exactly as the analytics event's fields serialised
 * by JSON.stringify: same members, same order, same escaping, for every kind of exchange.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import type { Credential, ExchangeReport } from '../../pipeline/types.js';
import type { RequestTrace } from '../../tracing/request-trace.js';
import { exchangeFields } from '../exchange-fields.js';
import { accessLine } from './access-line.js';

const GATEWAY = 'gw-"edge"-1';
const TIME = '2026-12-04T18:00:00.123Z';

const api = (name: string) =>
  ({ id: 'c7a1b3e2-1111-4444-8888-abcdefabcdef', name, version: '1.0.0', context: '/items' }) as GatewayApi;

const credential = (over: Partial<Credential>): Credential => ({
  kind: 'oauth2',
  consumerKey: 'ck',
  applicationId: 'a1b2c3d4-1111-4444-8888-abcdefabcdef',
  application: { name: 'Bench app' } as Credential['application'],
  keyType: 'PRODUCTION',
  username: 'dev@example.com',
  scopes: new Set(),
  claims: {},
  ...over,
});

function report(over: Partial<ExchangeReport>, req: Partial<IncomingMessage> = {}): ExchangeReport {
  return {
    req: {
      url: '/items/1.0.0/items',
      method: 'GET',
      headers: { 'user-agent': 'autocannon/8' },
      ...req,
    } as IncomingMessage,
    requestId: '0f8e0001-aaaa-bbbb-cccc-ddddeeeeffff',
    clientIp: '127.0.0.1',
    api: api('Items'),
    template: '/items',
    credential: credential({}),
    status: 200,
    targetStatus: 200,
    backendLatencyMs: 1.5,
    error: null,
    requestMediationMs: 0.24,
    responseMediationMs: 0.51,
    totalMs: 2.49,
    requestBytes: 0,
    responseBytes: 0,
    completed: true,
    messages: null,
    trace: null,
    ...over,
  };
}

/** what the line must be: the line's own members, then the analytics event's fields */
function expected(r: ExchangeReport, path: string): string {
  return JSON.stringify({
    log: 'access',
    time: TIME,
    traceId: r.trace?.traceId ?? null,
    path,
    ...exchangeFields(r, GATEWAY),
  });
}

const gatewayMember = `"gatewayId":${JSON.stringify(GATEWAY)}`;

describe('access line', () => {
  const cases: Record<string, [ExchangeReport, string]> = {
    'a proxied request': [report({}), '/items/1.0.0/items'],
    'a request refused before it matched an API': [
      report(
        {
          api: null,
          template: null,
          credential: null,
          status: 404,
          targetStatus: null,
          backendLatencyMs: null,
          requestMediationMs: null,
          responseMediationMs: null,
          error: 'NO_MATCHING_RESOURCE',
        },
        { method: undefined, headers: {} },
      ),
      '/nowhere',
    ],
    'what a client controls, with quotes, backslashes, control and non-ASCII characters': [
      report(
        {
          requestId: 'id "quoted" \\ \n',
          clientIp: '::ffff:10.0.0.1',
          api: api('Café "API" \u2028 ✓'),
          credential: credential({
            keyType: 'SANDBOX',
            username: null,
            application: null,
            applicationId: null,
          }),
          status: 429,
          error: 'SUBSCRIPTION_THROTTLED',
          targetStatus: null,
          messages: { in: 3, out: 5 },
          trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' } as RequestTrace,
        },
        { method: 'POST', headers: { 'user-agent': 'Mozilla/5.0 "x" \\ \t ü 日本' } },
      ),
      '/items/1.0.0/a"b\\c/ü',
    ],
    'several user agents (an array is not a user agent)': [
      report({}, { headers: { 'user-agent': ['a', 'b'] as unknown as string } }),
      '/items/1.0.0/items',
    ],
    'a latency that is not a number': [report({ backendLatencyMs: Number.NaN }), '/items/1.0.0/items'],
  };

  for (const [name, [r, path]] of Object.entries(cases))
    it(`reads as the analytics fields serialised: ${name}`, () => {
      const line = accessLine(r, gatewayMember, TIME, path);
      expect(line).toBe(expected(r, path));
      expect(() => JSON.parse(line)).not.toThrow();
    });

  it("writes an API's members once made, and a redeployed API's new ones", () => {
    const before = report({});
    expect(accessLine(before, gatewayMember, TIME, '/p')).toBe(expected(before, '/p'));
    expect(accessLine(before, gatewayMember, TIME, '/p')).toBe(expected(before, '/p'));
    const redeployed = report({ api: api('Items v2 name') });
    expect(accessLine(redeployed, gatewayMember, TIME, '/p')).toBe(expected(redeployed, '/p'));
    expect(JSON.parse(accessLine(redeployed, gatewayMember, TIME, '/p')).apiName).toBe('Items v2 name');
  });
});

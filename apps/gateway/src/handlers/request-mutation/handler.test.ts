import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRule } from '@apim/contracts';
import { deployExposedApi } from '../../routing/exposure-fixture.js';
import { startStack, type Stack } from '../../test-support/stack.js';
import { mergeCookies } from './handler.js';

let s: Stack;
const host = 'mutated.example.com';
const mutating: OperationRule = {
  access: { strategy: 'noAuth' },
  request: {
    headers: { 'X-Tenant': 'acme', 'X-Client-Says': 'the rule' },
    cookies: { session: 'rule-session', flavour: 'oat' },
  },
};

/** what the backend received for a call on the mutated API */
async function received(path: string, headers: Record<string, string> = {}) {
  const r = await s.call(path, { headers: { host, ...headers } });
  expect(r.status).toBe(200);
  return r.json.headers as Record<string, string>;
}

beforeAll(async () => {
  s = await startStack();
  await deployExposedApi(s.fx, {
    context: '/mutated',
    backendUrl: s.backend.url,
    hosts: [host],
    operations: [
      { verb: 'GET', target: '/mutated/{**}', authEnabled: false, rule: mutating },
      { verb: 'GET', target: '/{**}', authEnabled: false, rule: { access: { strategy: 'noAuth' } } },
    ],
  });
  await s.synced();
});

afterAll(async () => s?.close());

describe('request mutations of a rule', () => {
  it("sets the rule's headers, replacing the client's, and leaves the others", async () => {
    const h = await received('/mutated/x', { 'x-client-says': 'the client', 'x-other': 'kept' });
    expect(h['x-tenant']).toBe('acme');
    expect(h['x-client-says']).toBe('the rule');
    expect(h['x-other']).toBe('kept');
  });

  it("merges the rule's cookies into the client's Cookie header, replacing same-named ones", async () => {
    // the client's others first, in their order; the rule's after them (stored as JSON: no order)
    const cookies = async (header?: string) =>
      String((await received('/mutated/x', header ? { cookie: header } : {})).cookie).split('; ');
    const merged = await cookies('theme=dark; session=stolen; lang=fr');
    expect(merged.slice(0, 2)).toEqual(['theme=dark', 'lang=fr']);
    expect(merged.slice(2).sort()).toEqual(['flavour=oat', 'session=rule-session']);
    expect((await cookies()).sort()).toEqual(['flavour=oat', 'session=rule-session']);
  });

  it('changes nothing for a rule without mutations', async () => {
    const h = await received('/plain', { cookie: 'session=mine', 'x-client-says': 'the client' });
    expect(h.cookie).toBe('session=mine');
    expect(h['x-client-says']).toBe('the client');
    expect(h['x-tenant']).toBeUndefined();
  });

  it('refuses the deployment of a rule that sets a header the gateway frames or routes with', async () => {
    await deployExposedApi(s.fx, {
      context: '/reserved',
      backendUrl: s.backend.url,
      hosts: ['reserved.example.com'],
      operations: [
        {
          verb: 'GET',
          target: '/{**}',
          authEnabled: false,
          rule: { access: { strategy: 'noAuth' }, request: { headers: { Host: 'elsewhere' } } },
        },
      ],
    });
    await s.synced();
    expect((await s.call('/x', { headers: { host: 'reserved.example.com' } })).status).toBe(404);
  });
});

describe('mergeCookies', () => {
  const rule = new Map([['a', '1']]);
  it('appends to no header or an empty one, and replaces a cookie without a value', () => {
    expect(mergeCookies(undefined, rule)).toBe('a=1');
    expect(mergeCookies('', rule)).toBe('a=1');
    expect(mergeCookies('a; b=2', rule)).toBe('b=2; a=1');
    expect(mergeCookies(' a = 0 ;b=2;; ', rule)).toBe('b=2; a=1');
  });
});

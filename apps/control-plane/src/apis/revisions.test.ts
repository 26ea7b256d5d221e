/**
 * Restoring a revision brings back all it holds: Kyma exposure (hosts) and each operation's rule
 * included, so an API made by an APIRule is restored as it was served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '@apim/rest-contract';
import { createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';

const BASE = '/api/am/publisher/v4';
let bed: TestBed;
let call: ReturnType<typeof restClient>;
let publisher: Caller;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  publisher = await createUser(bed.prisma, 'revpub', ['publisher']);
});
afterAll(async () => bed?.close());

const ruled: Publisher.APIOperations = {
  verb: 'GET',
  target: '/headers',
  authType: 'None',
  rule: { access: { strategy: 'noAuth' }, request: { headers: { 'X-Team': 'orders' } }, timeoutMs: 5000 },
};

describe('restore-revision', () => {
  it("brings back the revision's hosts and operation rules", async () => {
    const created = await call<Complete>('POST', `${BASE}/apis`, {
      as: publisher,
      json: {
        name: 'Exposed',
        context: '/exposed',
        version: '1.0.0',
        hosts: ['httpbin.example.com'],
        operations: [ruled],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const api = created.body;
    const rev = await call<{ id: string }>('POST', `${BASE}/apis/${api.id}/revisions`, {
      as: publisher,
      json: { description: 'exposed' },
    });
    expect(rev.status).toBe(201);

    const changed = await call<Complete>('PUT', `${BASE}/apis/${api.id}`, {
      as: publisher,
      json: { ...api, hosts: [], operations: [{ verb: 'GET', target: '/headers' }] },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.hosts).toEqual([]);
    expect(changed.body.operations[0]!.rule).toBeNull();

    const restored = await call<Complete>(
      'POST',
      `${BASE}/apis/${api.id}/restore-revision?revisionId=${rev.body.id}`,
      { as: publisher },
    );
    expect(restored.status).toBe(201);
    expect(restored.body.hosts).toEqual(['httpbin.example.com']);
    expect(restored.body.operations).toMatchObject([{ verb: 'GET', target: '/headers', rule: ruled.rule }]);
  });
});

type Complete = Publisher.API & { id: string; hosts: string[]; operations: Publisher.APIOperations[] };

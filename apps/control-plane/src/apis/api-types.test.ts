/**
 * An API's type (WSO2's HTTP, WS, SSE, WEBSUB, GRAPHQL) is set when it is created, kept by its new
 * versions and never changed; only a REST API gets the default catch-all operations. What an API
 * names must exist: external authorizers of its rules included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '@apim/rest-contract';
import { createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';

const BASE = '/api/am/publisher/v4';
let bed: TestBed;
let call: ReturnType<typeof restClient>;
let publisher: Caller;

type Api = Publisher.API & { id: string; operations: Publisher.APIOperations[] };

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  publisher = await createUser(bed.prisma, 'typepub', ['publisher']);
});
afterAll(async () => bed?.close());

describe('API types', () => {
  it('creates an API of a type, keeps it in new versions and refuses to change it', async () => {
    const created = await call<Api>('POST', `${BASE}/apis`, {
      as: publisher,
      json: { name: 'Chat', context: '/chat', version: '1.0.0', type: 'WS' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ type: 'WS', operations: [] });

    const changed = await call<{ description: string }>('PUT', `${BASE}/apis/${created.body.id}`, {
      as: publisher,
      json: { ...created.body, type: 'HTTP' },
    });
    expect(changed.status).toBe(400);
    expect(changed.body.description).toBe(
      'The type of an API cannot be changed (it is WS: create a new API)',
    );

    const copy = await call<Api>('POST', `${BASE}/apis/copy-api?apiId=${created.body.id}&newVersion=2.0.0`, {
      as: publisher,
    });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body.type).toBe('WS');
  });

  it('refuses rules naming external authorizers that do not exist, naming them', async () => {
    const refused = await call<{ description: string }>('POST', `${BASE}/apis`, {
      as: publisher,
      json: {
        name: 'Guarded',
        context: '/guarded',
        version: '1.0.0',
        operations: [
          {
            verb: 'GET',
            target: '/a',
            rule: { access: { strategy: 'extAuth', authorizers: ['opa', 'oathkeeper'] } },
          },
        ],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.description).toBe(
      'Unknown external authorizers in the rules: opa, oathkeeper (the admin adds them under /external-authorizers)',
    );
    expect(await bed.prisma.api.count({ where: { name: 'Guarded' } })).toBe(0);
  });

  it('gives a REST API without operations or definition the catch-all operations', async () => {
    const created = await call<Api>('POST', `${BASE}/apis`, {
      as: publisher,
      json: { name: 'Rest', context: '/rest', version: '1.0.0' },
    });
    expect(created.body.type).toBe('HTTP');
    expect(created.body.operations.map((o) => `${o.verb} ${o.target}`)).toContain('GET /*');
  });
});

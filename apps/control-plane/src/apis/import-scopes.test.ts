/**
 * Scopes of an imported document that another API owns are never dropped silently: the new API
 * gets scopes of its own under new names, in its operations and stored document alike, and the
 * import answers a warning naming the owner. A shared scope is kept as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '@apim/rest-contract';
import { ADMIN, importForm, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';

let bed: TestBed;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

/** A document whose GET /things requires the given scopes of an OAuth2 scheme declaring them. */
function documentRequiring(title: string, scopes: string[]) {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title, version: '1.0.0' },
    components: {
      securitySchemes: {
        oauth: {
          type: 'oauth2',
          flows: {
            clientCredentials: {
              tokenUrl: 'https://idp.example/token',
              scopes: Object.fromEntries(scopes.map((s) => [s, `may ${s}`])),
              'x-scopes-bindings': Object.fromEntries(scopes.map((s) => [s, 'subscriber'])),
            },
          },
        },
      },
    },
    paths: {
      '/things': {
        get: { security: [{ oauth: scopes }], responses: { '200': { description: 'ok' } } },
      },
    },
  });
}

async function importDocument(name: string, context: string, text: string) {
  const res = await call<Publisher.ImportedAPI>('POST', `${PUB}/apis/import-openapi`, {
    as: ADMIN,
    form: importForm({ additionalProperties: JSON.stringify({ name, context, version: '1.0.0' }) }, [
      { name: 'api.json', text },
    ]),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('importing a document whose scopes another API owns', () => {
  let owner: Publisher.ImportedAPI;
  let borrower: Publisher.ImportedAPI;

  beforeAll(async () => {
    owner = await importDocument('Things', '/things', documentRequiring('Things', ['things:read']));
    const shared = await call('POST', `${PUB}/scopes`, {
      as: ADMIN,
      json: { name: 'common:audit', bindings: ['subscriber'] },
    });
    expect(shared.status).toBe(201);
    borrower = await importDocument(
      'Other Things',
      '/other-things',
      documentRequiring('Other Things', ['things:read', 'common:audit', 'things:write']),
    );
  });

  it('answers no warning when every scope is new', () => {
    expect(owner.warnings).toEqual([]);
    expect(owner.scopes?.map((s) => s.scope.name)).toEqual(['things:read']);
  });

  it("renames the other API's scope for the new API, with a warning naming the owner", () => {
    expect(borrower.warnings).toEqual([
      {
        scope: 'things:read',
        renamedTo: 'other-things:things:read',
        ownerApi: { id: owner.id, name: 'Things', version: '1.0.0' },
        message:
          "The scope 'things:read' belongs to the API 'Things' (1.0.0): this API's operations require 'other-things:things:read' instead, a scope of its own; tokens for this API must ask for 'other-things:things:read'",
      },
    ]);
    // its Scopes tab lists them all: its own (the renamed one keeps the document's roles) and the shared one
    expect(
      borrower.scopes?.map(({ scope, shared }) => ({ name: scope.name, bindings: scope.bindings, shared })),
    ).toEqual([
      { name: 'common:audit', bindings: ['subscriber'], shared: true },
      { name: 'other-things:things:read', bindings: ['subscriber'], shared: false },
      { name: 'things:write', bindings: ['subscriber'], shared: false },
    ]);
    expect(borrower.operations?.map((o) => o.scopes)).toEqual([
      ['other-things:things:read', 'common:audit', 'things:write'],
    ]);
  });

  it('the stored document requires the renamed scope, as the operations do', async () => {
    const doc = await call<{
      paths: { '/things': { get: { security: unknown; 'x-scopes': string[] } } };
      components: { securitySchemes: Record<string, { flows?: Record<string, { scopes: object }> }> };
    }>('GET', `${PUB}/apis/${borrower.id}/swagger`, { as: ADMIN });
    expect(doc.status).toBe(200);
    const get = doc.body.paths['/things'].get;
    expect(get.security).toEqual([{ oauth: ['other-things:things:read', 'common:audit', 'things:write'] }]);
    expect(get['x-scopes']).toEqual(['other-things:things:read', 'common:audit', 'things:write']);
    // sorted: a stored document is jsonb, which orders an object's keys by length
    expect(
      Object.keys(doc.body.components.securitySchemes.oauth!.flows!.clientCredentials!.scopes).sort(),
    ).toEqual(['common:audit', 'other-things:things:read', 'things:write']);
  });

  it('the owner keeps its scope and its operations unchanged', async () => {
    const again = await call<Publisher.API>('GET', `${PUB}/apis/${owner.id}`, { as: ADMIN });
    expect(again.body.scopes?.map((s) => s.scope.name)).toEqual(['things:read']);
    expect(again.body.operations?.map((o) => o.scopes)).toEqual([['things:read']]);
  });

  it('replacing the document claims its scopes the same way', async () => {
    const form = importForm({
      apiDefinition: documentRequiring('Other Things', ['things:read', 'things:delete']),
    });
    const res = await call('PUT', `${PUB}/apis/${borrower.id}/swagger`, { as: ADMIN, form });
    expect(res.status).toBe(200);
    const api = await call<Publisher.API>('GET', `${PUB}/apis/${borrower.id}`, { as: ADMIN });
    expect(api.body.operations?.map((o) => o.scopes)).toEqual([
      ['other-things:things:read', 'things:delete'],
    ]);
  });

  it('adding a scope another API owns names that API', async () => {
    const current = await call<Publisher.API>('GET', `${PUB}/apis/${owner.id}`, { as: ADMIN });
    const res = await call<{ description: string }>('PUT', `${PUB}/apis/${owner.id}`, {
      as: ADMIN,
      json: {
        ...current.body,
        scopes: [
          ...(current.body.scopes ?? []),
          { scope: { name: 'things:write', bindings: [] }, shared: false },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.description).toBe(
      "The scope name 'things:write' is already used by another API: 'Other Things' (1.0.0)",
    );
  });
});

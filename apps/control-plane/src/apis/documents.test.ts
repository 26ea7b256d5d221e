/**
 * API documents: a publisher adds Markdown written inline and a link, edits and deletes them; the
 * developer portal shows the API_LEVEL ones of a published API (content as written, a link as a
 * redirect) and never the publisher's own (OWNER_ONLY).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, importForm, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
// sent as a multipart form field, whose line breaks travel as CRLF (as browsers send them)
const MARKDOWN = '# Getting started\n\nCall `GET /pets` with a **token**.\n\n<script>alert(1)</script>\n';

const lf = (text: string) => text.replace(/\r\n/g, '\n');

let bed: TestBed;
let call: ReturnType<typeof restClient>;
let apiId: string;

interface Doc {
  documentId: string;
  name: string;
  sourceType: string;
  visibility: string;
  summary: string | null;
}

async function addDocument(body: Record<string, unknown>): Promise<Doc> {
  const res = await call<Doc>('POST', `${PUB}/apis/${apiId}/documents`, { as: ADMIN, json: body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  const api = await call<{ id: string }>('POST', `${PUB}/apis`, {
    as: ADMIN,
    json: { name: 'Documented', context: '/documented', version: '1', policies: ['Gold'] },
  });
  apiId = api.body.id;
  await call('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`, { as: ADMIN });
});
afterAll(async () => bed?.close());

describe('API documents', () => {
  it('adds Markdown inline and a link, and shows the API_LEVEL ones in the developer portal', async () => {
    const guide = await addDocument({ name: 'Getting started', type: 'HOWTO', sourceType: 'MARKDOWN' });
    const content = await call('POST', `${PUB}/apis/${apiId}/documents/${guide.documentId}/content`, {
      as: ADMIN,
      form: importForm({ inlineContent: MARKDOWN }),
    });
    expect(content.status).toBe(201);
    await addDocument({
      name: 'Forum',
      type: 'PUBLIC_FORUM',
      sourceType: 'URL',
      sourceUrl: 'https://forum.example/pets',
    });
    await addDocument({
      name: 'Release notes draft',
      type: 'OTHER',
      sourceType: 'MARKDOWN',
      visibility: 'OWNER_ONLY',
    });

    const published = await call<{ list: Doc[] }>('GET', `${DEV}/apis/${apiId}/documents`);
    expect(published.body.list.map((d) => d.name)).toEqual(['Forum', 'Getting started']);
    const text = await fetch(`${bed.cp.url}${DEV}/apis/${apiId}/documents/${guide.documentId}/content`);
    expect(text.headers.get('content-type')).toMatch(/^text\/markdown/);
    // served as written, never to be run: the console renders it through a sanitiser
    expect(text.headers.get('content-security-policy')).toContain('sandbox');
    expect(lf(await text.text())).toBe(MARKDOWN);
    const forum = published.body.list.find((d) => d.name === 'Forum')!;
    const link = await fetch(`${bed.cp.url}${DEV}/apis/${apiId}/documents/${forum.documentId}/content`, {
      redirect: 'manual',
    });
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('https://forum.example/pets');
  });

  it('edits a document, refuses a bad one with a message, and deletes one', async () => {
    const list = await call<{ list: Doc[] }>('GET', `${PUB}/apis/${apiId}/documents`, { as: ADMIN });
    expect(list.body.list).toHaveLength(3);
    const guide = list.body.list.find((d) => d.name === 'Getting started')!;
    const edited = await call<Doc>('PUT', `${PUB}/apis/${apiId}/documents/${guide.documentId}`, {
      as: ADMIN,
      json: { name: 'Quick start', type: 'HOWTO', sourceType: 'MARKDOWN', summary: 'Five minutes' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'Quick start',
      summary: 'Five minutes',
      visibility: 'API_LEVEL',
    });
    // the content stays with the same kind of document
    const text = await fetch(`${bed.cp.url}${DEV}/apis/${apiId}/documents/${guide.documentId}/content`);
    expect(lf(await text.text())).toBe(MARKDOWN);

    const noUrl = await call<{ description: string }>('POST', `${PUB}/apis/${apiId}/documents`, {
      as: ADMIN,
      json: { name: 'Broken link', type: 'OTHER', sourceType: 'URL' },
    });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.description).toMatch(/sourceUrl/);
    const taken = await call('PUT', `${PUB}/apis/${apiId}/documents/${guide.documentId}`, {
      as: ADMIN,
      json: { name: 'Forum', type: 'HOWTO', sourceType: 'MARKDOWN' },
    });
    expect(taken.status).toBe(409);

    const draft = list.body.list.find((d) => d.name === 'Release notes draft')!;
    expect(
      (await call('DELETE', `${PUB}/apis/${apiId}/documents/${draft.documentId}`, { as: ADMIN })).status,
    ).toBe(200);
    const after = await call<{ list: Doc[] }>('GET', `${PUB}/apis/${apiId}/documents`, { as: ADMIN });
    expect(after.body.list.map((d) => d.name)).toEqual(['Forum', 'Quick start']);
  });
});

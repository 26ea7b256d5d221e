/**
 * No input crashes the control plane: every documented operation, called as admin with bodies and
 * query values of the wrong shape, answers a client error (never 500) in WSO2's error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, restClient, startTestBed, type TestBed } from './test-support.js';

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, unknown> } }
    >
  >;
};

let bed: TestBed;
let call: ReturnType<typeof restClient>;
beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url);
});
afterAll(async () => bed?.close());

const BODIES: unknown[] = [
  null,
  42,
  'text',
  [],
  [1, 'a'],
  { name: 7, context: [], version: {} },
  { ['__proto__']: { admin: true } },
  { a: 'x'.repeat(70_000) },
  // NUL characters where real fields go (Postgres text cannot hold them)
  {
    name: 'a\u0000b',
    context: '/nul',
    version: '1',
    throttlingPolicy: 'Unlimited',
    policyName: 'n\u0000',
    username: 'u\u0000ser',
    password: 'password\u0000',
    conditionType: 'USER',
    conditionValue: 'x\u0000',
    'k\u0000': 1,
  },
];
const QUERY_VALUES = [
  '',
  '-1',
  '1e309',
  '%E0%A4%A',
  'a'.repeat(3000),
  '00000000-0000-4000-8000-000000000000',
];

/** The REST APIs the control plane serves, each checked in a test of its own. */
const BASES = ['/api/am/publisher/v4', '/api/am/devportal/v3', '/api/am/admin/v4'];

describe('robustness', () => {
  it('serves the REST APIs checked here, no other', () => {
    expect(Object.keys(bed.cp.app.documents).sort()).toEqual([...BASES].sort());
  });

  // every operation of a document is called with every malformed input in turn: minutes on a busy machine
  it.each(BASES)('%s answers malformed input with client errors only', { timeout: 180_000 }, async (base) => {
    const failures: string[] = [];
    const doc = bed.cp.app.documents[base] as Doc;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const url = base + path.replace(/\{[^}]+\}/g, 'x%00y');
        const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        const attempts: Array<{ url: string; json?: unknown; form?: FormData }> = [];
        for (const v of QUERY_VALUES)
          attempts.push({ url: `${url}?${queryNames.map((n) => `${n}=${v}`).join('&')}` });
        const realPath = base + path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        if (op.requestBody?.content['application/json'])
          for (const json of BODIES) attempts.push({ url: realPath, json });
        if (op.requestBody?.content['multipart/form-data']) {
          const form = new FormData();
          form.set('additionalProperties', '{"name": 5');
          form.set('inlineAPIDefinition', 'openapi: [');
          form.append('nope', new Blob(['x']), 'x.txt');
          attempts.push({ url: realPath, form });
          const nulFile = new FormData();
          nulFile.append(
            'file',
            new Blob(['openapi: 3.0.3\ninfo: {title: "a\\0b", version: "1"}\npaths: {}\n']),
            'nul.yaml',
          );
          attempts.push({ url: realPath, form: nulFile });
        }
        for (const a of attempts) {
          const res = await call(method.toUpperCase(), a.url, {
            as: ADMIN,
            ...(a.json !== undefined ? { json: a.json } : {}),
            ...(a.form ? { form: a.form } : {}),
          });
          if (
            res.status >= 500 ||
            (res.status >= 400 && typeof (res.body as { code?: unknown })?.code !== 'number')
          )
            failures.push(
              `${method.toUpperCase()} ${a.url.slice(0, 120)} ${JSON.stringify(a.json)?.slice(0, 60)}: ${res.status} ${String(JSON.stringify(res.body)).slice(0, 200)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

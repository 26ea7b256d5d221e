/**
 * Every valid document of the shared corpora imports over HTTP; every invalid one is refused with
 * 400 and the validator's message, and nothing is stored. Skipped when ../shared is absent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@apim/db';
import { ADMIN, importForm, restClient, startTestBed, type TestBed } from '../../test-support.js';
import { parseDocumentText } from './parse.js';

const corpora = path.resolve(repoRoot, '../shared/corpora/openapi');
const present = existsSync(corpora);

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : /\.(ya?ml|json)$/.test(f) ? [p] : [];
    });
}

function isMainDocument(file: string): boolean {
  const doc = parseDocumentText(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  return !!doc && typeof doc === 'object' && ('swagger' in doc || 'openapi' in doc);
}

interface Case {
  name: string;
  main: string;
  files: Array<{ name: string; text: string }>;
}

/** A top-level file is a document of its own; a folder holds one document and the files it references. */
function cases(dir: string): Case[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry): Case[] => {
      const p = path.join(dir, entry);
      if (!statSync(p).isDirectory())
        return /\.(ya?ml|json)$/.test(entry)
          ? [{ name: entry, main: entry, files: [{ name: entry, text: readFileSync(p, 'utf8') }] }]
          : [];
      const all = walk(p);
      const mains = all.filter(isMainDocument);
      return mains.map((m) => ({
        name: path.relative(dir, m),
        main: path.relative(p, m),
        files: all.map((f) => ({ name: path.relative(p, f), text: readFileSync(f, 'utf8') })),
      }));
    });
}

function topLevelFiles(dir: string): Case[] {
  return cases(dir).filter((c) => c.files.length === 1 && c.name === c.main && !c.name.includes('/'));
}

const valid = present
  ? [
      ...cases(path.join(corpora, 'oai-examples')),
      ...cases(path.join(corpora, 'edge')),
      ...topLevelFiles(corpora),
    ]
  : [];
const invalid = present ? walk(path.join(corpora, 'invalid')).map((f) => path.relative(corpora, f)) : [];

describe.skipIf(!present)('OpenAPI corpora', () => {
  let bed: TestBed;
  let call: ReturnType<typeof restClient>;
  beforeAll(async () => {
    bed = await startTestBed();
    call = restClient(bed.cp.url, bed.cp.app.documents);
  });
  afterAll(async () => bed?.close());

  it('has documents to check', () => {
    expect(valid.length).toBeGreaterThan(15);
    expect(invalid.length).toBeGreaterThan(20);
  });

  it.each(valid.map((c, i) => [c.name, c, i] as const))('imports %s', async (_name, c, i) => {
    const res = await call<{ id: string; operations: unknown[] }>(
      'POST',
      '/api/am/publisher/v4/apis/import-openapi',
      {
        as: ADMIN,
        form: importForm(
          {
            mainFile: c.main,
            additionalProperties: JSON.stringify({
              name: `Corpus${i}`,
              context: `/corpus${i}`,
              version: '1',
            }),
          },
          c.files,
        ),
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const stored = await bed.prisma.api.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.definition).toBeTruthy();
  });

  it.each(invalid)('rejects %s with the validator message and stores nothing', async (rel) => {
    const before = await bed.prisma.api.count();
    const text = readFileSync(path.join(corpora, rel), 'utf8');
    const res = await call<{ description: string }>('POST', '/api/am/publisher/v4/apis/import-openapi', {
      as: ADMIN,
      form: importForm(
        { additionalProperties: JSON.stringify({ name: 'Bad', context: '/bad', version: '1' }) },
        [{ name: path.basename(rel), text }],
      ),
    });
    expect(res.status).toBe(400);
    expect(res.body.description).toMatch(/^The OpenAPI document is invalid: .+/);
    expect(await bed.prisma.api.count()).toBe(before);
  });
});

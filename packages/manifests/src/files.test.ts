import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifestFiles } from './files.js';
import { parseManifestText } from './parse.js';

describe('parseManifestText', () => {
  it('reads YAML and JSON documents, keeping each one its index in the file', () => {
    const { documents, problems } = parseManifestText('a: 1\n---\n---\n{"b": 2}\n', 'x.yaml');
    expect(problems).toEqual([]);
    expect(documents).toEqual([
      { source: { file: 'x.yaml', index: 0 }, manifest: { a: 1 } },
      { source: { file: 'x.yaml', index: 2 }, manifest: { b: 2 } },
    ]);
  });

  it('says where a syntax error is, and keeps the other documents', () => {
    const { documents, problems } = parseManifestText(
      'a: 1\n---\nb: [1\nc: 2\n---\nkind: x\nkind: y\n---\n- 1\n---\nok: true\n',
      'x.yaml',
    );
    expect(problems).toEqual([
      {
        file: 'x.yaml',
        document: 1,
        pointer: '',
        message:
          'line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
      { file: 'x.yaml', document: 2, pointer: '', message: 'line 7, column 1: Map keys must be unique' },
      {
        file: 'x.yaml',
        document: 3,
        pointer: '',
        message: 'a manifest must be a mapping with apiVersion, kind, metadata and spec',
      },
    ]);
    expect(documents.map((d) => d.source?.index)).toEqual([0, 4]);
  });
});

describe('readManifestFiles', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'manifests-'));
    await mkdir(path.join(dir, 'apis'));
    await writeFile(
      path.join(dir, 'apis', 'b.yaml'),
      'apiVersion: apim.io/v1\nkind: API\nmetadata: { name: B }\nspec: { version: v1, context: /b, definitionFile: ../defs/b.json }\n',
    );
    await writeFile(
      path.join(dir, 'apis', 'a.yml'),
      'apiVersion: apim.io/v1\nkind: API\nmetadata: { name: A }\nspec: { version: v1, context: /a, definitionFile: missing.yaml }\n',
    );
    await writeFile(path.join(dir, 'apis', 'notes.txt'), 'not a manifest');
    await mkdir(path.join(dir, 'defs'));
    await writeFile(
      path.join(dir, 'defs', 'b.json'),
      '{"openapi": "3.0.3", "info": {"title": "B", "version": "v1"}, "paths": {}}',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads a directory's manifests in name order, with definitionFile inlined as definition", async () => {
    const { documents, problems } = await readManifestFiles([path.join(dir, 'apis')]);
    const a = path.join(dir, 'apis', 'a.yml');
    expect(problems).toEqual([
      {
        file: a,
        document: 0,
        pointer: '/spec/definitionFile',
        message: expect.stringMatching(/^cannot read the definition .*missing\.yaml: ENOENT/),
      },
    ]);
    expect(documents.map((d) => d.source?.file)).toEqual([a, path.join(dir, 'apis', 'b.yaml')]);
    expect(documents[1]?.manifest.spec).toEqual({
      version: 'v1',
      context: '/b',
      definition: { openapi: '3.0.3', info: { title: 'B', version: 'v1' }, paths: {} },
    });
  });

  it('names a path that does not exist', async () => {
    const missing = path.join(dir, 'nope.yaml');
    expect((await readManifestFiles([missing])).problems).toEqual([
      {
        file: missing,
        document: 0,
        pointer: '',
        message: `cannot read ${missing}: no such file or directory`,
      },
    ]);
  });
});

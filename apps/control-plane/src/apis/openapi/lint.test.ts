/**
 * Spectral's oas ruleset on the project's own documents and on the shared corpora (read where they
 * stand; that part is skipped when ../shared is absent): findings with severity, rule, path and the
 * line and column of the text given.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@apim/db';
import { lintedText, lintOpenApi } from './lint.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpora = path.resolve(repoRoot, '../shared/corpora/openapi');

describe('lintOpenApi', () => {
  it('finds nothing to say about a tidy document', async () => {
    const text = readFileSync(path.join(here, 'fixtures/petstore.yaml'), 'utf8');
    const errors = (await lintOpenApi(text)).filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('reports warnings with their rule, path, line and column', async () => {
    const text = [
      'openapi: 3.0.3',
      'info:',
      '  title: Tags',
      '  version: 1.0.0',
      'paths:',
      '  /things:',
      '    get:',
      '      tags: [undeclared]',
      '      responses:',
      "        '200': { description: OK }",
    ].join('\n');
    const findings = await lintOpenApi(text);
    expect(findings).toContainEqual({
      severity: 'warn',
      rule: 'operation-tag-defined',
      message: 'Operation tags must be defined in global tags.',
      path: ['paths', '/things', 'get', 'tags', '0'],
      line: 8,
      column: 14,
    });
    // Errors first, then by position.
    expect(findings.map((f) => f.severity)).toEqual(
      [...findings].sort((a, b) => rank(a.severity) - rank(b.severity)).map((f) => f.severity),
    );
  });

  it('places a YAML syntax error and a schema violation at their lines', async () => {
    const broken = await lintOpenApi('openapi: 3.0.3\ninfo:\n  title: x\n  version: "1"\npaths:\n  /a: [\n');
    expect(broken.find((f) => f.rule === 'parser')).toMatchObject({ severity: 'error', line: 7 });

    const invalid = await lintOpenApi(
      'openapi: 3.0.3\ninfo:\n  title: x\n  version: "1"\npaths:\n  /a:\n    get:\n      responses:\n        "200": { descriptio: OK }\n',
    );
    const schema = invalid.find((f) => f.rule === 'oas3-schema');
    expect(schema).toMatchObject({ severity: 'error', path: ['paths', '/a', 'get', 'responses', '200'] });
    expect(schema!.line).toBe(9);
  });

  it('never follows a $ref to a file or URL', async () => {
    const text = [
      'openapi: 3.0.3',
      'info: { title: Refs, version: "1", description: d, contact: { name: n } }',
      'servers: [{ url: "http://127.0.0.1:9/refs" }]',
      'paths:',
      '  /a:',
      '    get:',
      '      operationId: a',
      '      description: d',
      '      responses:',
      "        '200': { $ref: 'file:///etc/passwd' }",
      '  /b:',
      '    get:',
      '      operationId: b',
      '      description: d',
      '      responses:',
      "        '200': { $ref: 'http://127.0.0.1:9/remote.yaml' }",
    ].join('\n');
    const findings = await lintOpenApi(text);
    // Unresolved, so nothing from /etc/passwd or the network can appear among the findings.
    expect(JSON.stringify(findings)).not.toContain('root:');
  });

  it('lints the text the publisher gave: inline, or the main uploaded file', () => {
    expect(lintedText({ kind: 'inline', text: 'a: 1' })).toBe('a: 1');
    const files = new Map([
      ['main.yaml', 'main'],
      ['other.yaml', 'other'],
    ]);
    expect(lintedText({ kind: 'files', main: 'main.yaml', files })).toBe('main');
    expect(lintedText({ kind: 'url', url: 'http://x/a' })).toBeUndefined();
    expect(lintedText({ kind: 'url', url: 'http://x/a' }, { openapi: '3.0.3' })).toContain('"openapi"');
  });
});

const rank = (s: string) => ['error', 'warn', 'info', 'hint'].indexOf(s);

describe.skipIf(!existsSync(corpora))('lintOpenApi on the shared corpora', () => {
  it.each([
    'swagger-petstore3-openapi.yaml',
    'oai-examples/v2.0_json_uber.json',
    'oai-examples/v3.0_uspto.yaml',
    'oai-examples/v3.1_webhook-example.yaml',
  ])('lints %s with findings placed in the file', async (rel) => {
    const text = readFileSync(path.join(corpora, rel), 'utf8');
    const lines = text.split('\n').length;
    const findings = await lintOpenApi(text);
    for (const f of findings) {
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.line).toBeLessThanOrEqual(lines);
      expect(f.column).toBeGreaterThanOrEqual(1);
    }
    // Valid documents: the linter's schema rules agree with the importer.
    expect(findings.filter((f) => /schema$/.test(f.rule))).toEqual([]);
  });

  it('warns that the Uber example uses undeclared tags', async () => {
    const findings = await lintOpenApi(
      readFileSync(path.join(corpora, 'oai-examples/v2.0_json_uber.json'), 'utf8'),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'warn',
        rule: 'operation-tag-defined',
        path: ['paths', '/estimates/price', 'get', 'tags', '0'],
      }),
    );
  });

  it('reports a schema error on a document the importer rejects', async () => {
    const rel = 'invalid/swagger-parser/validate-schema/invalid-response-code.yaml';
    const findings = await lintOpenApi(readFileSync(path.join(corpora, rel), 'utf8'));
    expect(findings.some((f) => f.severity === 'error')).toBe(true);
  });
});

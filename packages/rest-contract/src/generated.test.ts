import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { restApiComponents } from './components.js';
import { generatedPath, generateTypes, type RestApiName } from './generate.js';
import { ref } from './json-schema.js';

describe('the generated types', () => {
  // A schema changed without `npm run contract`: the committed types no longer say what the API serves.
  it.each(Object.keys(restApiComponents) as RestApiName[])(
    'src/generated/%s.ts is what the schemas generate now (run `npm run contract` when not)',
    async (api) => {
      expect(await readFile(generatedPath(api), 'utf8')).toBe(await generateTypes(api));
    },
  );

  it('follow a changed schema, so the check above catches drift', async () => {
    const changed = {
      ...restApiComponents.publisher,
      APIMaxTps: { type: 'object', properties: { production: { type: 'integer' }, burst: ref('APIInfo') } },
    };
    const source = await generateTypes('publisher', changed);
    expect(source).toContain('export interface APIMaxTps {\n  production?: number;\n  burst?: APIInfo;\n}');
    expect(source).not.toBe(await readFile(generatedPath('publisher'), 'utf8'));
  });

  it('are closed interfaces for listed properties and open records for free-form objects', async () => {
    const source = await generateTypes('devportal');
    expect(source).toMatch(
      /export interface Application \{[^}]*attributes\?: \{\n\s+\[k: string\]: string \| undefined;/,
    );
    expect(source).not.toMatch(/export interface ApplicationToken \{[^}]*\[k: string\]/);
  });
});

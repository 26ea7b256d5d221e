/**
 * The linter's findings in the publisher's answers: an import answers them with the API it created
 * (warnings never refuse it), and the validation answers them for a valid or an invalid document,
 * placed at their line, which is what the console's definition editor marks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '@apim/rest-contract';
import { ADMIN, importForm, PETSTORE_YAML, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';

/** Valid, with an operation tag the document does not declare (a Spectral warning). */
const UNDECLARED_TAG = [
  'openapi: 3.0.3',
  'info: { title: Linted, version: 1.0.0 }',
  'paths:',
  '  /things:',
  '    get:',
  '      tags: [undeclared]',
  '      responses:',
  "        '200': { description: OK }",
].join('\n');

let bed: TestBed;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

describe('lint findings', () => {
  it('come with the API an import created, warnings not blocking it', async () => {
    const res = await call<Publisher.ImportedAPI>('POST', `${PUB}/apis/import-openapi`, {
      as: ADMIN,
      form: importForm({
        inlineAPIDefinition: UNDECLARED_TAG,
        additionalProperties: JSON.stringify({ context: '/linted' }),
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.lint).toContainEqual({
      severity: 'warn',
      rule: 'operation-tag-defined',
      message: 'Operation tags must be defined in global tags.',
      path: ['paths', '/things', 'get', 'tags', '0'],
      line: 6,
      column: 14,
    });
    const stored = await bed.prisma.api.findUniqueOrThrow({ where: { id: res.body.id! } });
    expect(stored.name).toBe('Linted');
  });

  it('come with the validation of a valid upload', async () => {
    const res = await call<Publisher.OpenAPIDefinitionValidationResponse>(
      'POST',
      `${PUB}/apis/validate-openapi`,
      { as: ADMIN, form: importForm({}, [{ name: 'petstore.yaml', text: PETSTORE_YAML }]) },
    );
    expect(res.body.isValid).toBe(true);
    expect(Array.isArray(res.body.lint)).toBe(true);
    expect(res.body.lint!.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('place the error of an invalid document at its line, nothing created', async () => {
    const before = await bed.prisma.api.count();
    const text = UNDECLARED_TAG.replace("'200': { description: OK }", "'200': { descriptio: OK }");
    const checked = await call<Publisher.OpenAPIDefinitionValidationResponse>(
      'POST',
      `${PUB}/apis/validate-openapi`,
      { as: ADMIN, form: importForm({ inlineAPIDefinition: text }) },
    );
    expect(checked.body.isValid).toBe(false);
    expect(checked.body.lint).toContainEqual(
      expect.objectContaining({ severity: 'error', rule: 'oas3-schema', line: 8 }),
    );
    const refused = await call('POST', `${PUB}/apis/import-openapi`, {
      as: ADMIN,
      form: importForm({ inlineAPIDefinition: text }),
    });
    expect(refused.status).toBe(400);
    expect(await bed.prisma.api.count()).toBe(before);
  });
});

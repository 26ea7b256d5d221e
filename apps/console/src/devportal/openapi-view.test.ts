import { describe, expect, it } from 'vitest';
import { operationsOf, sampleOf } from './openapi-view';

const doc = {
  openapi: '3.0.3',
  security: [{ oauth: ['read'] }],
  paths: {
    '/pet/{petId}': {
      parameters: [{ $ref: '#/components/parameters/PetId' }],
      get: { summary: 'Find pet', responses: { '200': { $ref: '#/components/responses/Pet' } } },
      put: {
        security: [],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
        responses: { '204': { description: 'Updated' } },
      },
    },
  },
  components: {
    parameters: { PetId: { name: 'petId', in: 'path', schema: { type: 'integer' } } },
    responses: { Pet: { description: 'The pet' } },
    schemas: {
      Pet: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          name: { type: 'string', example: 'doggie' },
          tags: { type: 'array', items: { $ref: '#/components/schemas/Tag' } },
        },
      },
      Tag: { type: 'object', properties: { name: { type: 'string' } } },
    },
  },
};

describe('reading an OpenAPI document for the portal', () => {
  it('lists operations with path-level parameters and responses, following $refs', () => {
    const ops = operationsOf(doc);
    expect(ops.map((o) => `${o.verb} ${o.path}`)).toEqual(['GET /pet/{petId}', 'PUT /pet/{petId}']);
    expect(ops[0]!.parameters).toEqual([
      { name: 'petId', in: 'path', required: true, description: undefined, schema: { type: 'integer' } },
    ]);
    expect(ops[0]!.responses).toEqual([{ status: '200', description: 'The pet' }]);
    expect(ops[0]!.secured).toBe(true);
    expect(ops[1]!.secured).toBe(false);
  });

  it('builds a sample body from the schema, using examples where given', () => {
    const put = operationsOf(doc)[1]!;
    expect(sampleOf(doc, put.requestBody?.schema)).toEqual({
      id: 0,
      name: 'doggie',
      tags: [{ name: 'string' }],
    });
  });
});

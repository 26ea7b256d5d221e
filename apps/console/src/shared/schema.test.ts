import { describe, expect, it } from 'vitest';
import { bodyValidator, fieldErrors, type Doc } from './schema';

// The shape the control plane serves: request bodies referring to components by $ref.
const doc = {
  openapi: '3.1.0',
  paths: {
    '/apis': {
      post: {
        operationId: 'createAPI',
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/API' } } } },
      },
    },
    '/apis/{apiId}': { get: { operationId: 'getAPI' } },
  },
  components: {
    schemas: {
      API: {
        type: 'object',
        required: ['name', 'context'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          context: { type: 'string', pattern: '^/' },
          visibility: { enum: ['PUBLIC', 'PRIVATE'] },
          endpointConfig: { type: 'object', properties: { url: { type: 'string', format: 'uri' } } },
        },
      },
    },
  },
} as unknown as Doc;

function errorsOf(body: unknown) {
  const validate = bodyValidator('publisher', doc, 'createAPI');
  expect(validate).not.toBeNull();
  return validate!(body) ? null : fieldErrors(validate!.errors);
}

describe('checking a form against the served schema', () => {
  it('accepts a valid body', () => {
    expect(errorsOf({ name: 'Pets', context: '/pets' })).toBeNull();
  });

  it('names each wrong field in words', () => {
    expect(
      errorsOf({ context: 'pets', visibility: 'SECRET', endpointConfig: { url: 'not a url' }, extra: 1 }),
    ).toEqual({
      name: 'is required',
      context: 'contains characters that are not allowed',
      visibility: 'must be one of PUBLIC, PRIVATE',
      'endpointConfig.url': 'must be a valid uri',
      extra: 'is not a known field',
    });
  });

  it('has no validator for an operation without a body or not in the document', () => {
    expect(bodyValidator('publisher', doc, 'getAPI')).toBeNull();
    expect(bodyValidator('publisher', doc, 'noSuchOperation')).toBeNull();
  });
});

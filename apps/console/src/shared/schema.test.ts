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
          cacheTimeout: { type: 'integer', minimum: 1, title: 'Cache timeout (seconds)' },
          description: { type: 'string', maxLength: 5 },
          endpointConfig: { type: 'object', properties: { url: { type: 'string', format: 'uri' } } },
        },
      },
    },
  },
} as unknown as Doc;

function errorsOf(body: unknown, labels?: Record<string, string>) {
  const validate = bodyValidator('publisher', doc, 'createAPI');
  expect(validate).not.toBeNull();
  return validate!(body) ? null : fieldErrors(validate!.errors, labels);
}

describe('checking a form against the served schema', () => {
  it('accepts a valid body', () => {
    expect(errorsOf({ name: 'Pets', context: '/pets' })).toBeNull();
  });

  it('says what is wrong with each field in a sentence naming it', () => {
    expect(
      errorsOf({ context: 'pets', visibility: 'SECRET', endpointConfig: { url: 'not a url' }, extra: 1 }),
    ).toEqual({
      name: 'Name is required',
      context: 'Context must start with /',
      visibility: 'Visibility must be one of: PUBLIC, PRIVATE',
      'endpointConfig.url': 'URL must be a valid URL',
      extra: 'Extra is not a known field',
    });
  });

  it("names a field by its schema's title, or by the form's label when given", () => {
    expect(errorsOf({ name: 'Pets', context: '/pets', cacheTimeout: 0, description: 'too long' })).toEqual({
      cacheTimeout: 'Cache timeout (seconds) must be at least 1',
      description: 'Description can have at most 5 characters',
    });
    expect(
      errorsOf({ context: '/pets', description: 'too long' }, { name: 'API name', description: 'Summary' }),
    ).toEqual({ name: 'API name is required', description: 'Summary can have at most 5 characters' });
  });

  it('has no validator for an operation without a body or not in the document', () => {
    expect(bodyValidator('publisher', doc, 'getAPI')).toBeNull();
    expect(bodyValidator('publisher', doc, 'noSuchOperation')).toBeNull();
  });
});

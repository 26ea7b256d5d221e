import { describe, expect, it } from 'vitest';
import { previewOf } from './preview';

describe('the import preview', () => {
  it('lists the operations of a YAML document and takes the context and backend from its server', () => {
    const preview = previewOf(`openapi: 3.0.0
info: { title: Pets, version: '1' }
servers:
  - url: https://backend.example.com/api/v3/
paths:
  /pets:
    get: { summary: List pets }
    post: {}
`);
    expect(preview).toEqual({
      operations: [
        { verb: 'GET', target: '/pets', summary: 'List pets' },
        { verb: 'POST', target: '/pets', summary: undefined },
      ],
      context: '/api/v3',
      endpoint: 'https://backend.example.com/api/v3/',
    });
  });

  it('takes the context of a Swagger 2.0 document from its basePath, and never guesses from a templated server', () => {
    expect(previewOf('{"swagger":"2.0","basePath":"/v2","paths":{}}')).toEqual({
      operations: [],
      context: '/v2',
      endpoint: undefined,
    });
    expect(previewOf('openapi: 3.0.0\nservers: [{url: "https://{host}/v1"}]\npaths: {}')).toEqual({
      operations: [],
      context: undefined,
      endpoint: undefined,
    });
  });

  it('previews nothing from text that is not YAML or JSON', () => {
    expect(previewOf('{ not: [valid')).toEqual({ operations: [] });
  });
});

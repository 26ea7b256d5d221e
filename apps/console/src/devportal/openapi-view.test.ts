import { describe, expect, it } from 'vitest';
import {
  API_KEY_SCHEME,
  presentDefinition,
  requiredScopes,
  scopesByOperation,
  TOKEN_SCHEME,
  tokenValue,
} from './openapi-view';

const doc = {
  openapi: '3.0.3',
  servers: [{ url: 'https://backend.example.com/v1' }],
  security: [{ default: ['read:pets'] }],
  paths: {
    '/pet': {
      post: {
        requestBody: {
          content: {
            'application/xml': { schema: { $ref: '#/components/schemas/Pet' } },
            'application/json': { schema: { $ref: '#/components/schemas/Pet' } },
          },
        },
        responses: { '200': { description: 'ok' } },
      },
    },
    '/pet/{petId}': {
      get: { description: 'Returns one pet', responses: { '200': { description: 'The pet' } } },
      delete: { 'x-auth-type': 'None', responses: { '204': { description: 'Gone' } } },
    },
  },
  components: {
    securitySchemes: {
      default: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/t', scopes: {} } } },
    },
    schemas: { Pet: { type: 'object', properties: { name: { type: 'string' } } } },
  },
};

const api = {
  operations: [
    { verb: 'POST', target: '/pet', scopes: ['write:pets'] },
    { verb: 'GET', target: '/pet/{petId}', scopes: ['read:pets', 'write:pets'] },
    { verb: 'DELETE', target: '/pet/{petId}', scopes: [] },
  ],
};

const options = {
  serverUrl: 'http://localhost:8280/petstore/1.0.0',
  authorizationHeader: 'Authorization',
  scopes: scopesByOperation(api),
};

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('presentDefinition', () => {
  it('sends calls to the gateway, JSON first, with the scopes each operation requires', () => {
    const shown = presentDefinition(doc, options) as Any;
    expect(shown.servers).toEqual([{ url: 'http://localhost:8280/petstore/1.0.0', description: 'Gateway' }]);
    expect(Object.keys(shown.paths['/pet'].post.requestBody.content)).toEqual([
      'application/json',
      'application/xml',
    ]);
    expect(shown.paths['/pet/{petId}'].get.description).toBe(
      '**Required scopes:** `read:pets`, `write:pets`\n\nReturns one pet',
    );
    expect(shown.paths['/pet'].post.description).toBe('**Required scopes:** `write:pets`');
    expect(shown.paths['/pet/{petId}'].delete.description).toBeUndefined();
    // the given document is untouched
    expect(doc.servers[0]!.url).toBe('https://backend.example.com/v1');
  });

  it("authorises with the gateway's credentials: a bearer token, an API key when the API takes one, none on open operations", () => {
    const shown = presentDefinition(doc, { ...options, apiKeyHeader: 'apikey' }) as Any;
    expect(shown.components.securitySchemes).toEqual({
      [TOKEN_SCHEME]: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      [API_KEY_SCHEME]: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'apikey' }),
    });
    expect(shown.security).toBeUndefined();
    expect(shown.paths['/pet'].post.security).toEqual([{ [TOKEN_SCHEME]: [] }, { [API_KEY_SCHEME]: [] }]);
    expect(shown.paths['/pet/{petId}'].delete.security).toEqual([]);
    expect(tokenValue(shown, 'abc')).toBe('abc');

    const custom = presentDefinition(doc, { ...options, authorizationHeader: 'X-Token' }) as Any;
    expect(custom.components.securitySchemes[TOKEN_SCHEME]).toMatchObject({
      type: 'apiKey',
      name: 'X-Token',
    });
    expect(tokenValue(custom, 'abc')).toBe('Bearer abc');
  });

  it('sets a Swagger 2.0 document’s host, base path and scheme, and its consumes JSON first', () => {
    const shown = presentDefinition(
      {
        swagger: '2.0',
        consumes: ['application/xml', 'application/json'],
        paths: { '/pet': { post: { consumes: ['text/xml', 'application/json'], responses: {} } } },
      },
      options,
    ) as Any;
    expect(shown).toMatchObject({ host: 'localhost:8280', basePath: '/petstore/1.0.0', schemes: ['http'] });
    expect(shown.consumes).toEqual(['application/json', 'application/xml']);
    expect(shown.paths['/pet'].post.consumes).toEqual(['application/json', 'text/xml']);
    expect(shown.securityDefinitions[TOKEN_SCHEME]).toMatchObject({ type: 'apiKey', name: 'Authorization' });
  });
});

describe('requiredScopes', () => {
  it("lists every scope the API's operations require, once, sorted", () => {
    expect(requiredScopes(api)).toEqual(['read:pets', 'write:pets']);
    expect(requiredScopes({})).toEqual([]);
  });
});

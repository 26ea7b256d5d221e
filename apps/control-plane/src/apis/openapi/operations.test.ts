import { describe, expect, it } from 'vitest';
import { exportOpenApi, operationsOf, scopesOfDocument, type ExportableApi } from './operations.js';

const swagger2 = {
  swagger: '2.0',
  info: { title: 'Legacy', version: '1' },
  paths: {
    '/items': { get: { security: [{ legacy: ['items:read'] }], responses: { 200: { description: 'ok' } } } },
  },
  securityDefinitions: {
    legacy: {
      type: 'oauth2',
      flow: 'implicit',
      authorizationUrl: 'https://idp.example/authorize',
      scopes: { 'items:read': 'Read items', 'items:write': 'Change items' },
      'x-scopes-bindings': { 'items:write': ['admin', 'publisher'] },
    },
    key: { type: 'apiKey', name: 'k', in: 'header' },
  },
};

describe('scopes of a document', () => {
  it('reads Swagger 2.0 OAuth2 scopes with list bindings, and round-trips them through an export', () => {
    const operations = operationsOf(swagger2);
    const scopes = scopesOfDocument(swagger2, operations);
    expect(scopes).toEqual([
      { name: 'items:read', description: 'Read items', roles: [] },
      { name: 'items:write', description: 'Change items', roles: ['admin', 'publisher'] },
    ]);
    const api: ExportableApi = {
      name: 'Legacy',
      version: '1',
      description: null,
      context: '/legacy',
      endpointConfig: null,
      corsConfig: null,
      securitySchemes: ['oauth2'],
      apiThrottlingPolicy: null,
      subscriptionPolicies: ['Gold'],
      responseCachingEnabled: false,
      cacheTimeout: 300,
      keyManagers: ['all'],
      definition: swagger2,
      operations,
    };
    const exported = exportOpenApi(api, {
      scopes: [{ name: 'items:read', description: 'Read items', roles: ['subscriber'] }, scopes[1]!],
      tokenUrl: 'https://km.example/oauth2/token',
    });
    expect((exported.securityDefinitions as Record<string, unknown>).default).toEqual({
      type: 'oauth2',
      flow: 'application',
      tokenUrl: 'https://km.example/oauth2/token',
      scopes: { 'items:read': 'Read items', 'items:write': 'Change items' },
      'x-scopes-bindings': { 'items:read': 'subscriber', 'items:write': 'admin,publisher' },
    });
    expect(scopesOfDocument(exported, operationsOf(exported))).toEqual([
      { name: 'items:read', description: 'Read items', roles: ['subscriber'] },
      { name: 'items:write', description: 'Change items', roles: ['admin', 'publisher'] },
    ]);
    // the stored definition is left as it was
    expect(Object.keys(swagger2.securityDefinitions)).toEqual(['legacy', 'key']);
  });
});

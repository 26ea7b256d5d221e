import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
  await s.fx.deployApi({
    context: '/mediated',
    backendUrl: s.backend.url,
    mediationPolicies: {
      request: [{ policyName: 'addHeader', parameters: { headerName: 'X-Api-Wide', headerValue: 'yes' } }],
    },
    operations: [
      {
        verb: 'GET',
        target: '/items',
        authEnabled: false,
        operationPolicies: {
          request: [
            { policyName: 'removeHeader', parameters: { headerName: 'X-Secret' } },
            { policyName: 'addQueryParam', parameters: { paramKey: 'source', paramValue: 'gateway' } },
            { policyName: 'removeQueryParam', parameters: { paramKey: 'debug' } },
          ],
          response: [
            { policyName: 'addHeader', parameters: { headerName: 'X-Served-By', headerValue: 'apim' } },
            { policyName: 'removeHeader', parameters: { headerName: 'X-Backend' } },
          ],
        },
      },
    ],
  });
  await s.fx.deployApi({
    context: '/broken',
    backendUrl: s.backend.url,
    operations: [
      {
        verb: 'GET',
        target: '/x',
        authEnabled: false,
        operationPolicies: { request: [{ policyName: 'rm -rf', parameters: {} }] },
      },
    ],
  });
  await s.synced();
});

afterAll(async () => {
  await s?.close();
});

describe('transformation handler', () => {
  it('changes headers and query parameters on the way in and headers on the way out', async () => {
    const r = await s.call('/mediated/1.0.0/items?debug=1&keep=2', { headers: { 'x-secret': 's3cr3t' } });
    expect(r.status).toBe(200);
    const h = r.json.headers as Record<string, string>;
    expect(h['x-api-wide']).toBe('yes');
    expect(h['x-secret']).toBeUndefined();
    expect(r.json.url).toBe('/items?keep=2&source=gateway');
    expect(r.headers['x-served-by']).toBe('apim');
    expect(r.headers['x-backend']).toBeUndefined();
  });

  it('refuses to deploy an API whose policies are invalid', async () => {
    expect((await s.call('/broken/1.0.0/x')).status).toBe(404);
    expect(s.gw.app.state.apis.size).toBe(2);
  });
});

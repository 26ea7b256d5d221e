/**
 * APIs exposed Kyma-style through a real gateway: served on their hosts at the root path, their
 * rules in order, 404 and 405 as for any API, and context routing untouched on other hosts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRule } from '@apim/contracts';
import { startStack, type Stack } from '../test-support/stack.js';
import { deployExposedApi } from './exposure-fixture.js';

let s: Stack;
const noAuth: OperationRule = { access: { strategy: 'noAuth' } };
const open = { authEnabled: false, rule: noAuth };
const on = (host: string, method = 'GET') => ({ method, headers: { host } });

beforeAll(async () => {
  s = await startStack();
  await deployExposedApi(s.fx, {
    context: '/httpbin',
    backendUrl: s.backend.url,
    hosts: ['httpbin.example.com'],
    operations: [
      { verb: 'POST', target: '/anything/{*}', ...open },
      { verb: 'GET', target: '/anything/{**}', ...open },
      { verb: 'GET', target: '/{**}', ...open },
      { verb: 'DELETE', target: '/anything/{id}', ...open },
    ],
  });
  await s.fx.deployApi({
    context: '/plain',
    backendUrl: s.backend.url,
    operations: [{ verb: 'GET', target: '/*', authEnabled: false }],
  });
  await s.synced();
});

afterAll(async () => s?.close());

describe('Kyma exposure through the gateway', () => {
  it('serves the API on its host (any case, any port) at the root path, the path forwarded whole', async () => {
    const r = await s.call('/anything/a/b?q=1', on('HTTPBIN.example.com:8080'));
    expect(r.status).toBe(200);
    expect(r.json.url).toBe('/anything/a/b?q=1');
  });

  it('the earlier rule wins: a later, more specific rule does not take its requests', async () => {
    const before = s.backend.received.length;
    // DELETE /anything/{id} comes after GET /{**}, but only DELETE reaches it
    expect((await s.call('/anything/7', on('httpbin.example.com', 'DELETE'))).status).toBe(200);
    expect((await s.call('/anything/7', on('httpbin.example.com', 'POST'))).status).toBe(200);
    expect(s.backend.received.length).toBe(before + 2);
  });

  it('answers 405 with the methods of the matching rules, and 404 when no rule path matches', async () => {
    const put = await s.call('/anything/7', on('httpbin.example.com', 'PUT'));
    expect(put.status).toBe(405);
    expect(put.json.code).toBe('900906');
    expect(String(put.headers.allow).split(', ').sort()).toEqual(['DELETE', 'GET', 'POST']);
    const lonely = await s.call('/', on('httpbin.example.com', 'PATCH'));
    expect(lonely.status).toBe(405);
    expect(lonely.headers.allow).toBe('GET');
  });

  it('is not served by context, nor on other hosts; context APIs keep their routes there', async () => {
    expect((await s.call('/httpbin/1.0.0/anything/a', on('other.example.com'))).status).toBe(404);
    expect((await s.call('/anything/a', on('other.example.com'))).status).toBe(404);
    expect((await s.call('/plain/1.0.0/x', on('other.example.com'))).status).toBe(200);
    const onExposedHost = await s.call('/plain/1.0.0/x', on('httpbin.example.com', 'POST'));
    expect(onExposedHost.status).toBe(405);
  });

  it('refuses an API whose rule path Kyma would refuse, and keeps serving the others', async () => {
    await deployExposedApi(s.fx, {
      context: '/broken',
      backendUrl: s.backend.url,
      hosts: ['broken.example.com'],
      operations: [{ verb: 'GET', target: '/a/{**}/b', ...open }],
    });
    await s.synced();
    expect((await s.call('/a/x/b', on('broken.example.com'))).status).toBe(404);
    expect(await s.gw.app.metricsText()).toMatch(/apim_gateway_deployment_errors_total [1-9]/);
    expect((await s.call('/anything/a', on('httpbin.example.com'))).status).toBe(200);
  });
});

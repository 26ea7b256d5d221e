/**
 * External authorizers end to end: written through the real control plane's admin REST API, they
 * reach a running gateway through the event log, and a rule naming one is answered by it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { TEST_ADMIN_PASSWORD, testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';

const A = '/api/am/admin/v4/external-authorizers';
const ADMIN = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;

let s: Stack;
let cp: RunningControlPlane;
let authz: http.Server;
let authzUrl: string;

async function admin(method: string, path: string, body?: unknown) {
  const res = await request(`${cp.url}${path}`, {
    method: method as 'GET',
    headers: { authorization: ADMIN, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

beforeAll(async () => {
  s = await startStack();
  cp = await startControlPlane({
    databaseUrl: s.db.url,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
  });
  authz = http.createServer((req, res) => res.writeHead(req.headers['x-allow'] === 'yes' ? 204 : 403).end());
  await new Promise<void>((r) => authz.listen(0, '127.0.0.1', r));
  authzUrl = `http://127.0.0.1:${(authz.address() as AddressInfo).port}`;
});

afterAll(async () => {
  authz?.closeAllConnections();
  await Promise.all([cp?.close(), new Promise((r) => authz?.close(r))]);
  await s?.close();
});

describe('admin external authorizers', () => {
  it('adds one (defaults filled in), lists it, and the gateway has it', async () => {
    const created = await admin('POST', A, {
      name: 'oauth2-proxy',
      url: `${authzUrl}/auth`,
      headersToSend: ['x-allow'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'oauth2-proxy',
      url: `${authzUrl}/auth`,
      headersToSend: ['x-allow'],
      headersToPassBack: [],
      timeoutMs: 1000,
      failClosed: true,
    });
    const list = await admin('GET', A);
    expect(list.body).toMatchObject({ count: 1, list: [{ name: 'oauth2-proxy' }] });
    expect((await admin('GET', `${A}/oauth2-proxy`)).body).toEqual(created.body);
    await s.synced();
    expect(s.gw.app.state.authorizers.get('oauth2-proxy')).toMatchObject({
      url: `${authzUrl}/auth`,
      timeoutMs: 1000,
    });
    const audit = await s.fx.prisma.auditLog.findFirst({ where: { action: 'addExternalAuthorizer' } });
    expect(audit?.actorName).toBe('admin');
  });

  it('changes one, and the gateway follows', async () => {
    const changed = await admin('PUT', `${A}/oauth2-proxy`, {
      name: 'oauth2-proxy',
      url: `${authzUrl}/auth`,
      headersToSend: ['x-allow'],
      timeoutMs: 2500,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await s.synced();
    expect(s.gw.app.state.authorizers.get('oauth2-proxy')?.timeoutMs).toBe(2500);
  });

  it('refuses bad input with a clear error, writing nothing', async () => {
    const events = await s.fx.lastEventId();
    for (const [url, host] of [
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
      ['http://[fe80::1]:8080/check', '[fe80::1]:8080'],
      ['http://metadata.google.internal/', 'metadata.google.internal'],
    ]) {
      const r = await admin('POST', A, { name: 'bad', url });
      expect([r.status, r.body.description]).toEqual([
        400,
        `url: The host ${host} is a link-local or cloud metadata address, which is never called`,
      ]);
    }
    const duplicate = await admin('POST', A, { name: 'oauth2-proxy', url: authzUrl });
    expect([duplicate.status, duplicate.body.description]).toEqual([
      409,
      "An external authorizer named 'oauth2-proxy' already exists",
    ]);
    const renamed = await admin('PUT', `${A}/oauth2-proxy`, { name: 'other', url: authzUrl });
    expect(renamed.status).toBe(400);
    expect(renamed.body.description).toMatch(/keeps its name/);
    expect((await admin('GET', `${A}/nothing`)).status).toBe(404);
    expect(await s.fx.lastEventId()).toBe(events);
  });

  it('answers the rules naming it through the gateway, and is not removed while a deployed rule names it', async () => {
    await s.fx.deployApi({
      name: 'Guarded',
      context: '/guarded',
      backendUrl: s.backend.url,
      operations: [
        {
          verb: 'GET',
          target: '/*',
          rule: { access: { strategy: 'extAuth', authorizers: ['oauth2-proxy'] } },
        },
      ],
    });
    await s.synced();
    expect((await s.call('/guarded/1.0.0/x', { headers: { 'x-allow': 'yes' } })).status).toBe(200);
    expect((await s.call('/guarded/1.0.0/x')).status).toBe(403);
    const refused = await admin('DELETE', `${A}/oauth2-proxy`);
    expect([refused.status, refused.body.description]).toEqual([
      409,
      "The external authorizer 'oauth2-proxy' is named by rules of deployed APIs: Guarded 1.0.0. Deploy revisions that do not name it first",
    ]);
  });

  it('removes one no deployed rule names, and the gateway forgets it', async () => {
    expect((await admin('POST', A, { name: 'spare', url: authzUrl })).status).toBe(201);
    await s.synced();
    expect(s.gw.app.state.authorizers.has('spare')).toBe(true);
    expect((await admin('DELETE', `${A}/spare`)).status).toBe(200);
    await s.synced();
    expect(s.gw.app.state.authorizers.has('spare')).toBe(false);
    expect((await admin('DELETE', `${A}/spare`)).status).toBe(404);
  });
});

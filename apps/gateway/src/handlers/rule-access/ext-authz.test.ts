/**
 * Rules with the extAuth strategy through a real gateway, against real ext_authz servers: one that
 * allows by a header and passes a header back, one that never answers; authorizers reach the
 * gateway through the event log, as the control plane writes them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAuthorizer } from '@apim/contracts';
import { appendGatewayEvent } from '@apim/db';
import { gatewayAuthorizer } from '@apim/gateway-model';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startTokenIssuer, type TokenIssuer } from '../../test-support/token-issuer.js';

let s: Stack;
let issuer: TokenIssuer;
let authz: http.Server;
let silent: http.Server;
let authzUrl: string;
let silentUrl: string;
const asked: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes the authorizer and its event, as the control plane's gatewayWrites.authorizer does. */
async function upsertAuthorizer(a: Partial<GatewayAuthorizer> & Pick<GatewayAuthorizer, 'name' | 'url'>) {
  await s.fx.prisma.$transaction(async (tx) => {
    const row = await tx.externalAuthorizer.create({ data: a });
    await appendGatewayEvent(tx, 'AUTHORIZER_UPSERTED', { authorizer: gatewayAuthorizer(row) });
  });
}

const extAuth = (...authorizers: string[]) => ({ access: { strategy: 'extAuth' as const, authorizers } });

beforeAll(async () => {
  [s, issuer] = await Promise.all([startStack(), startTokenIssuer()]);
  authz = http.createServer((req, res) => {
    asked.push({ method: req.method!, url: req.url!, headers: req.headers });
    if (req.headers['x-allow'] === 'yes') {
      res.writeHead(200, { 'x-auth-user': 'alice', 'x-not-passed': 'no' }).end();
      return;
    }
    res
      .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="authz"' })
      .end('{"error":"denied by authz"}');
  });
  // accepts connections and never answers
  silent = http.createServer(() => undefined);
  [authzUrl, silentUrl] = await Promise.all([listen(authz), listen(silent)]);
  await upsertAuthorizer({
    name: 'by-header',
    url: `${authzUrl}/check/`,
    headersToSend: ['X-Allow'],
    headersToPassBack: ['X-Auth-User'],
  });
  await upsertAuthorizer({ name: 'silent-closed', url: silentUrl, timeoutMs: 200 });
  await upsertAuthorizer({ name: 'silent-open', url: silentUrl, timeoutMs: 200, failClosed: false });
  await upsertAuthorizer({ name: 'metadata', url: 'http://169.254.169.254/latest' });
  await s.fx.deployApi({
    context: '/ext',
    backendUrl: s.backend.url,
    operations: [
      { verb: 'GET', target: '/checked', rule: extAuth('by-header') },
      { verb: 'POST', target: '/checked', rule: extAuth('by-header') },
      { verb: 'GET', target: '/closed', rule: extAuth('silent-closed') },
      { verb: 'GET', target: '/open', rule: extAuth('silent-open', 'by-header') },
      { verb: 'GET', target: '/unknown', rule: extAuth('by-header', 'never-made') },
      { verb: 'GET', target: '/metadata', rule: extAuth('metadata') },
      {
        verb: 'GET',
        target: '/restricted',
        rule: {
          access: {
            strategy: 'extAuth',
            authorizers: ['by-header'],
            restrictions: { authentications: [{ issuer: issuer.url, jwksUri: `${issuer.url}/oauth2/jwks` }] },
          },
        },
      },
    ],
  });
  await s.synced();
});

afterAll(async () => {
  await Promise.all([
    s?.close(),
    issuer?.close(),
    ...[authz, silent].map((srv) => {
      srv?.closeAllConnections();
      return new Promise((r) => srv?.close(r));
    }),
  ]);
});

describe('rule access: extAuth', () => {
  it('asks the authorizer with the method, path, query and chosen headers, and passes its header back', async () => {
    asked.length = 0;
    const received = s.backend.received.length;
    const r = await s.call('/ext/1.0.0/checked?q=1', {
      method: 'POST',
      headers: {
        'x-allow': 'yes',
        authorization: 'Bearer opaque',
        'x-private': 'kept',
        'content-type': 'text/plain',
      },
      body: 'the body',
    });
    expect(r.status).toBe(200);
    expect(asked).toHaveLength(1);
    const [q] = asked;
    expect([q!.method, q!.url]).toEqual(['POST', '/check/ext/1.0.0/checked?q=1']);
    expect(q!.headers).toMatchObject({
      authorization: 'Bearer opaque',
      'x-allow': 'yes',
      'x-forwarded-host': expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      'x-forwarded-for': '127.0.0.1',
    });
    expect(q!.headers['x-private']).toBeUndefined();
    expect(q!.headers['content-length'] ?? '0').toBe('0');
    const seen = s.backend.received.slice(received);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers['x-auth-user']).toBe('alice');
    expect(seen[0]!.headers['x-not-passed']).toBeUndefined();
    expect(seen[0]!.body).toBe('the body');
  });

  it("returns the authorizer's denial as it gave it, without calling the backend", async () => {
    const received = s.backend.received.length;
    const r = await s.call('/ext/1.0.0/checked');
    expect(r.status).toBe(401);
    expect(r.text).toBe('{"error":"denied by authz"}');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['www-authenticate']).toBe('Bearer realm="authz"');
    expect(s.backend.received.length).toBe(received);
  });

  it('refuses when an authorizer does not answer and fails closed; goes on when it fails open', async () => {
    const closed = await s.call('/ext/1.0.0/closed', { headers: { 'x-allow': 'yes' } });
    expect([closed.status, closed.json.code]).toEqual([403, '900920']);
    expect(closed.json.description).toBe('The external authorizer "silent-closed" did not answer in time');
    // failing open, the next authorizer still decides
    expect((await s.call('/ext/1.0.0/open', { headers: { 'x-allow': 'yes' } })).status).toBe(200);
    expect((await s.call('/ext/1.0.0/open')).status).toBe(401);
  });

  it('refuses a rule naming an authorizer that does not exist, naming it', async () => {
    const r = await s.call('/ext/1.0.0/unknown', { headers: { 'x-allow': 'yes' } });
    expect([r.status, r.json.code]).toEqual([403, '900920']);
    expect(r.json.description).toBe('The external authorizer "never-made" is not configured');
  });

  it('never calls an authorizer at a cloud metadata address', async () => {
    const r = await s.call('/ext/1.0.0/metadata');
    expect([r.status, r.json.code]).toEqual([403, '900920']);
    expect(r.json.description).toMatch(/169\.254\.169\.254 is a link-local or cloud metadata address/);
  });

  it('checks the restrictions token before asking the authorizer', async () => {
    asked.length = 0;
    const none = await s.call('/ext/1.0.0/restricted', { headers: { 'x-allow': 'yes' } });
    expect([none.status, none.json.code]).toEqual([401, '900902']);
    expect(asked).toHaveLength(0);
    const token = await issuer.sign({ clientId: 'c' });
    const r = await s.call('/ext/1.0.0/restricted', {
      headers: { 'x-allow': 'yes', authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
    expect(asked).toHaveLength(1);
  });

  it('follows a deleted authorizer at once', async () => {
    await s.fx.prisma.$transaction(async (tx) => {
      await tx.externalAuthorizer.delete({ where: { name: 'by-header' } });
      await appendGatewayEvent(tx, 'AUTHORIZER_DELETED', { name: 'by-header' });
    });
    await s.synced();
    const r = await s.call('/ext/1.0.0/checked', { headers: { 'x-allow': 'yes' } });
    expect([r.status, r.json.description]).toEqual([
      403,
      'The external authorizer "by-header" is not configured',
    ]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPKCS8, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';
import type { GatewayApi, GatewayApplication } from '@apim/contracts';
import { hashPassword } from '@apim/service';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;
let dir: string;
let publicKey: CryptoKey;
let api: GatewayApi;
let app: GatewayApplication;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  publicKey = pair.publicKey;
  dir = await mkdtemp(path.join(tmpdir(), 'gw-backend-jwt-'));
  const keyFile = path.join(dir, 'backend-jwt.pem');
  await writeFile(keyFile, await exportPKCS8(pair.privateKey), { mode: 0o600 });
  s = await startStack({ gatewayEnv: { APIM_GATEWAY_BACKEND_JWT_KEY: keyFile } });
  api = await s.fx.deployApi({ name: 'Signed', context: '/signed', backendUrl: s.backend.url });
  app = await s.fx.createApplication({ name: 'Caller' });
  await s.fx.subscribe(app.id, api.id, 'Gold');
});

afterAll(async () => {
  await s?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('backend JWT handler', () => {
  it('sends the backend a signed X-JWT-Assertion with WSO2 claims, replacing any forged one', async () => {
    const key = await s.newKey(app.id);
    await s.synced();
    const r = await s.call('/signed/1.0.0/x', {
      headers: { authorization: `Bearer ${await s.token(key)}`, 'x-jwt-assertion': 'forged' },
    });
    expect(r.status).toBe(200);
    const assertion = (r.json.headers as Record<string, string>)['x-jwt-assertion']!;
    expect(assertion).not.toBe('forged');
    const { payload } = await jwtVerify(assertion, publicKey, { issuer: 'wso2.org/products/am' });
    expect(payload).toMatchObject({
      'http://wso2.org/claims/apiname': 'Signed',
      'http://wso2.org/claims/apicontext': '/signed',
      'http://wso2.org/claims/version': '1.0.0',
      'http://wso2.org/claims/applicationid': app.id,
      'http://wso2.org/claims/applicationname': 'Caller',
      'http://wso2.org/claims/subscriber': 'admin',
      'http://wso2.org/claims/tier': 'Gold',
      'http://wso2.org/claims/keytype': 'PRODUCTION',
      'http://wso2.org/claims/client_id': key.clientId,
      // a client-credentials token acts for the application's owner (WSO2's end user of such a token)
      'http://wso2.org/claims/enduser': 'admin',
      'http://wso2.org/claims/usertype': 'APPLICATION',
    });
  });

  it('names each Basic-auth caller as the end user of its own assertion', async () => {
    await s.fx.deployApi({
      context: '/signedbasic',
      backendUrl: s.backend.url,
      securitySchemes: ['basic_auth'],
    });
    await s.synced();
    for (const username of ['jwt-user-1', 'jwt-user-2']) {
      await s.fx.prisma.user.create({
        data: {
          username,
          passwordHash: await hashPassword(`${username}-password`),
          roles: { create: [{ roleName: 'subscriber' }] },
        },
      });
      const r = await s.call('/signedbasic/1.0.0/x', {
        headers: {
          authorization: `Basic ${Buffer.from(`${username}:${username}-password`).toString('base64')}`,
        },
      });
      expect(r.status).toBe(200);
      const assertion = (r.json.headers as Record<string, string>)['x-jwt-assertion']!;
      const { payload } = await jwtVerify(assertion, publicKey);
      expect(payload['http://wso2.org/claims/enduser']).toBe(username);
    }
  });
});

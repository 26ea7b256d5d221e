/**
 * An external identity provider end to end, as an enterprise sets one up: the admin registers a
 * Keycloak-like OpenID provider (a second, real oidc-provider) as a key manager, a publisher allows
 * it on one API and not on another, a developer gets keys there through dynamic client
 * registration, and its tokens (JWT and opaque) are then treated exactly as resident ones:
 * subscriptions, scopes, backend JWT. A token of that provider that names a resident application's
 * consumer key gets nothing of that application, and a change of the provider's JWKS URL reaches
 * two gateways within a second.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import type { StartedGateway } from '@apim/gateway/testing';
import { eventually, startExternalIdp, type ExternalIdp } from '@apim/testing';
import { admin, startProduct, type Product } from './support/product.js';

const DEV = '/api/am/devportal/v3';
const PUB = '/api/am/publisher/v4';
const ADMIN_KM = '/api/am/admin/v4/key-managers';
const dev = { username: 'idp-dev', password: 'idp-dev-password-1' };

let product: Product;
let gateway2: StartedGateway;
let idp: ExternalIdp;
/** a provider whose keys are not the IdP's: the JWKS URL an admin first gets wrong */
let otherIdp: ExternalIdp;
let keyManagerId = '';
/** the backend echoes the headers it received, so the test can read the backend JWT */
const backend = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, jwt: req.headers['x-jwt-assertion'] ?? null }));
});
const rest: Product['rest'] = (...args) => product.rest(...args);

/** A residentClient whose consumer key the external provider also has (a consumer key is not secret). */
let residentApp = { id: '', consumerKey: '' };

async function publishApi(name: string, keyManagers: string[]): Promise<string> {
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const created = await rest<{ id: string }>('POST', `${PUB}/apis`, admin, {
    name,
    context: `/${name}`,
    version: '1.0.0',
    policies: ['Gold', 'Unlimited'],
    keyManagers,
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backendUrl } },
    operations: [
      { target: '/orders', verb: 'GET' },
      { target: '/admin', verb: 'GET', scopes: [`${name}:admin`] },
    ],
    scopes: [{ scope: { name: `${name}:admin`, displayName: 'admin', bindings: [] } }],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const apiId = created.body.id;
  const revision = await rest<{ id: string }>('POST', `${PUB}/apis/${apiId}/revisions`, admin, {});
  expect(revision.status).toBe(201);
  const deployed = await rest(
    'POST',
    `${PUB}/apis/${apiId}/deploy-revision?revisionId=${revision.body.id}`,
    admin,
    [{ name: 'Default' }],
  );
  expect(deployed.status).toBe(201);
  expect(
    (await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`, admin)).status,
  ).toBe(200);
  return apiId;
}

async function subscribe(applicationId: string, apiId: string) {
  const sub = await rest('POST', `${DEV}/subscriptions`, dev, {
    applicationId,
    apiId,
    throttlingPolicy: 'Gold',
  });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
}

function call(gw: StartedGateway, path: string, token: string) {
  return fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

let openApi = '';
let residentOnlyApi = '';

beforeAll(async () => {
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const keyFile = path.join(await mkdtemp(path.join(tmpdir(), 'apim-backend-jwt-')), 'key.pem');
  await writeFile(
    keyFile,
    await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey),
  );
  product = await startProduct({ gatewayEnv: { APIM_GATEWAY_BACKEND_JWT_KEY: keyFile } });
  gateway2 = await product.addGateway();
  expect(
    (await rest('POST', `${DEV}/me/sign-up`, null, { ...dev, email: 'idp-dev@example.com' })).status,
  ).toBe(201);

  // a resident application with keys, whose consumer key the external provider will also know
  const app = await rest<{ applicationId: string }>('POST', `${DEV}/applications`, dev, {
    name: 'ResidentApp',
    throttlingPolicy: 'Unlimited',
  });
  const keys = await rest<{ consumerKey: string }>(
    'POST',
    `${DEV}/applications/${app.body.applicationId}/generate-keys`,
    dev,
    {
      keyType: 'PRODUCTION',
      grantTypesToBeSupported: ['client_credentials'],
    },
  );
  expect(keys.status).toBe(200);
  residentApp = { id: app.body.applicationId, consumerKey: keys.body.consumerKey };

  [idp, otherIdp] = await Promise.all([
    startExternalIdp({
      audience: 'apim-gateways',
      clients: [{ clientId: residentApp.consumerKey, clientSecret: 'known-to-the-idp-admin-only' }],
    }),
    startExternalIdp({ audience: 'apim-gateways' }),
  ]);
  const km = await rest<{ id: string }>('POST', ADMIN_KM, admin, {
    name: 'keycloak',
    type: 'Keycloak',
    issuer: idp.issuer,
    // wrong at first: the keys of another provider
    certificates: { type: 'JWKS', value: otherIdp.jwksUri },
    wellKnownEndpoint: idp.discoveryUrl,
    audience: 'apim-gateways',
    introspectionClientId: idp.introspectionClient.clientId,
    introspectionClientSecret: idp.introspectionClient.clientSecret,
    registrationToken: idp.initialAccessToken,
    claimMapping: [{ remoteClaim: 'azp', localClaim: 'http://wso2.org/claims/idp_client' }],
  });
  expect(km.status, JSON.stringify(km.body)).toBe(201);
  keyManagerId = km.body.id;

  openApi = await publishApi('orders', ['all']);
  residentOnlyApi = await publishApi('ledger', [RESIDENT_KEY_MANAGER]);
  await subscribe(residentApp.id, openApi);
});

afterAll(async () => {
  await product?.close();
  await Promise.all([idp?.close(), otherIdp?.close()]);
  await new Promise<void>((r) => backend.close(() => r()));
});

describe('an external key manager end to end', () => {
  let external = { applicationId: '', consumerKey: '', consumerSecret: '' };
  const client = () => ({ clientId: external.consumerKey, clientSecret: external.consumerSecret });

  it('gives an application keys at the provider through dynamic client registration', async () => {
    const app = await rest<{ applicationId: string }>('POST', `${DEV}/applications`, dev, {
      name: 'FederatedApp',
      throttlingPolicy: 'Unlimited',
    });
    const keys = await rest<{ consumerKey: string; consumerSecret: string; keyManager: string }>(
      'POST',
      `${DEV}/applications/${app.body.applicationId}/generate-keys`,
      dev,
      { keyType: 'PRODUCTION', keyManager: 'keycloak', grantTypesToBeSupported: ['client_credentials'] },
    );
    expect(keys.status, JSON.stringify(keys.body)).toBe(200);
    expect(keys.body.keyManager).toBe('keycloak');
    external = { applicationId: app.body.applicationId, ...keys.body };
    await subscribe(external.applicationId, openApi);
    await subscribe(external.applicationId, residentOnlyApi);
  });

  it('takes effect on two gateways within a second when the admin corrects the JWKS URL', async () => {
    const token = await idp.token(client());
    for (const gw of [product.gw, gateway2]) {
      const res = await call(gw, '/orders/1.0.0/orders', token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: '900901' });
    }
    const changed = await rest('PUT', `${ADMIN_KM}/${keyManagerId}`, admin, {
      name: 'keycloak',
      type: 'Keycloak',
      issuer: idp.issuer,
      certificates: { type: 'JWKS', value: idp.jwksUri },
      wellKnownEndpoint: idp.discoveryUrl,
      audience: 'apim-gateways',
      claimMapping: [{ remoteClaim: 'azp', localClaim: 'http://wso2.org/claims/idp_client' }],
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await Promise.all(
      [product.gw, gateway2].map((gw) =>
        eventually(
          async () => expect((await call(gw, '/orders/1.0.0/orders', token)).status).toBe(200),
          1000,
        ),
      ),
    );
  });

  it("treats the provider's tokens as the application's: subscriptions, scopes, backend JWT", async () => {
    const token = await idp.token(client(), { scope: 'read' });
    const res = await call(product.gw, '/orders/1.0.0/orders', token);
    expect(res.status).toBe(200);
    const jwt = decodeJwt(((await res.json()) as { jwt: string }).jwt);
    expect(jwt).toMatchObject({
      'http://wso2.org/claims/applicationid': external.applicationId,
      'http://wso2.org/claims/applicationname': 'FederatedApp',
      'http://wso2.org/claims/client_id': external.consumerKey,
      'http://wso2.org/claims/idp_client': external.consumerKey,
      'http://wso2.org/claims/keytype': 'PRODUCTION',
    });
    // scopes come from the provider's scopes claim
    const admin403 = await call(product.gw, '/orders/1.0.0/admin', token);
    expect(admin403.status).toBe(403);
    expect(await admin403.json()).toMatchObject({ code: '900910' });
    const withScope = await idp.token(client(), { scope: 'read orders:admin' });
    // the IdP grants only the scopes it knows: orders:admin is not one of them
    expect(decodeJwt(withScope).scope).toBe('read');
  });

  it('accepts its opaque tokens by introspection at the provider', async () => {
    const opaque = await idp.token(client(), { opaque: true });
    expect(opaque.split('.')).toHaveLength(1);
    const res = await call(product.gw, '/orders/1.0.0/orders', opaque);
    expect(res.status).toBe(200);
  });

  it('refuses its tokens on an API that does not allow the key manager', async () => {
    const res = await call(product.gw, '/ledger/1.0.0/orders', await idp.token(client()));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      code: '900901',
      description: expect.stringContaining('keycloak'),
    });
  });

  it("gives a token naming a resident application's consumer key nothing of that application", async () => {
    const forged = await idp.token({
      clientId: residentApp.consumerKey,
      clientSecret: 'known-to-the-idp-admin-only',
    });
    expect(decodeJwt(forged).azp).toBe(residentApp.consumerKey);
    const res = await call(product.gw, '/orders/1.0.0/orders', forged);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: '900908' });
  });
});

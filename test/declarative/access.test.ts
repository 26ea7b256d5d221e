/**
 * Issue 14 end to end, the access strategies of Kyma APIRules written as Kyma's own examples and
 * applied as YAML: noAuth; jwt with the real key manager as issuer (a token from a header with a
 * prefix, and from a query parameter), its authorizations any-of (scopes and audiences); extAuth
 * with a real ext_authz server registered at /external-authorizers; and rule order: an earlier
 * `/anything/{**}` noAuth rule wins over a later jwt rule on `/anything/secret`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, echo, generateKeys, listen, type ClientKey } from './http.js';
import { startDeclarativeStack, type DeclarativeStack } from './support.js';

let stack: DeclarativeStack;
let backend: Awaited<ReturnType<typeof listen>>;
let authorizer: Awaited<ReturnType<typeof listen>>;
/** what the authorizer was asked: method and path */
const asked: string[] = [];
let key: ClientKey;

/** Envoy ext_authz (HTTP): allows on `x-ext-authz: allow`, passing back who the caller is. */
function startAuthorizer() {
  return listen((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    if (req.headers['x-ext-authz'] === 'allow') res.writeHead(200, { 'x-user': 'alice' }).end();
    else res.writeHead(403, { 'content-type': 'text/plain' }).end('denied by ext-authz');
  });
}

const jwtConfig = (from: string) => `
          authentications:
            - issuer: ${stack.km.issuer}
              jwksUri: ${stack.km.jwksUri}
              ${from}`;

const apiRules = () => `apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata:
  name: httpbin
  namespace: default
spec:
  hosts:
    - httpbin.example.com
  service:
    name: httpbin
    port: ${backend.port}
  gateway: kyma-system/kyma-gateway
  rules:
    - path: /ip
      methods: ["GET"]
      noAuth: true
    - path: /headers
      methods: ["GET"]
      jwt:${jwtConfig('fromHeaders: [{ name: X-JWT-Assertion, prefix: "Kyma " }]')}
          authorizations:
            - requiredScopes: ["apim:no-one-has-this"]
            - requiredScopes: ["apim:subscribe"]
              audiences: ["apim-gateway"]
    - path: /anything/{**}
      noAuth: true
    - path: /anything/secret
      methods: ["GET"]
      jwt:${jwtConfig('fromHeaders: [{ name: X-JWT-Assertion, prefix: "Kyma " }]')}
---
apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata:
  name: by-param
  namespace: default
spec:
  hosts: [by-param.example.com]
  service: { name: httpbin, port: ${backend.port} }
  rules:
    - path: /get
      methods: ["GET"]
      jwt:${jwtConfig('fromParams: [access_token]')}
          authorizations:
            - audiences: ["apim-gateway"]
---
apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata:
  name: ext-authz
  namespace: default
spec:
  hosts: [ext-authz.example.com]
  service: { name: httpbin, port: ${backend.port} }
  rules:
    - path: /headers
      methods: ["GET"]
      extAuth:
        authorizers:
          - sample-ext-authz-http
`;

beforeAll(async () => {
  [stack, backend, authorizer] = await Promise.all([
    startDeclarativeStack(),
    listen(echo),
    startAuthorizer(),
  ]);
  const registered = await stack.rest('POST', '/api/am/admin/v4/external-authorizers', {
    name: 'sample-ext-authz-http',
    url: authorizer.url,
    headersToSend: ['x-ext-authz'],
    headersToPassBack: ['x-user'],
  });
  expect(registered.status, registered.text).toBe(201);
  const app = await stack.rest('POST', '/api/am/devportal/v3/applications', {
    name: 'kyma-caller',
    throttlingPolicy: 'Unlimited',
  });
  key = await generateKeys(stack, String(app.json.applicationId));
  const applied = await stack.applyYaml(apiRules(), { file: 'httpbin.yaml' });
  expect(applied.status, applied.text).toBe(200);
  expect(applied.json.objects).toEqual([
    expect.objectContaining({ name: 'default/httpbin', state: 'Ready' }),
    expect.objectContaining({ name: 'default/by-param', state: 'Ready' }),
    expect.objectContaining({ name: 'default/ext-authz', state: 'Ready' }),
  ]);
});

afterAll(async () => {
  await stack?.close();
  await backend?.close();
  await authorizer?.close();
});

const seen = (json: Record<string, unknown>) => json as { url: string; headers: Record<string, string> };

describe('APIRule access strategies through a real gateway', () => {
  it('noAuth: anyone, on the rule host only', async () => {
    const answer = await stack.call('httpbin.example.com', '/ip');
    expect(answer.status).toBe(200);
    expect(seen(answer.json).url).toBe('/ip');
    expect((await stack.call('other.example.com', '/ip')).status).toBe(404);
  });

  it('jwt from a header with a prefix: the key manager token, any one of the authorizations', async () => {
    const scoped = await accessToken(stack.km, key, 'apim:subscribe');
    const ok = await stack.call('httpbin.example.com', '/headers', {
      headers: { 'x-jwt-assertion': `Kyma ${scoped}` },
    });
    expect(ok.status, ok.text).toBe(200);

    const missing = await stack.call('httpbin.example.com', '/headers');
    expect([missing.status, missing.json.code]).toEqual([401, '900902']);
    // the token where this issuer's tokens are not looked for is no token
    const elsewhere = await stack.call('httpbin.example.com', '/headers', {
      headers: { authorization: `Bearer ${scoped}` },
    });
    expect([elsewhere.status, elsewhere.json.code]).toEqual([401, '900902']);
    const forged = await stack.call('httpbin.example.com', '/headers', {
      headers: { 'x-jwt-assertion': `Kyma ${scoped.slice(0, -4)}AAAA` },
    });
    expect([forged.status, forged.json.code]).toEqual([401, '900901']);
    // a valid token with neither authorization's scopes
    const unscoped = await accessToken(stack.km, key);
    const refused = await stack.call('httpbin.example.com', '/headers', {
      headers: { 'x-jwt-assertion': `Kyma ${unscoped}` },
    });
    expect([refused.status, refused.json.code]).toEqual([403, '900910']);
  });

  it('jwt from a query parameter, left in the forwarded query', async () => {
    const token = await accessToken(stack.km, key);
    const ok = await stack.call('by-param.example.com', `/get?access_token=${token}&x=1`);
    expect(ok.status, ok.text).toBe(200);
    expect(seen(ok.json).url).toBe(`/get?access_token=${token}&x=1`);
    const none = await stack.call('by-param.example.com', '/get', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect([none.status, none.json.code]).toEqual([401, '900902']);
  });

  it('extAuth: the authorizer decides, and the header it passes back reaches the backend', async () => {
    asked.length = 0;
    const allowed = await stack.call('ext-authz.example.com', '/headers?q=1', {
      headers: { 'x-ext-authz': 'allow' },
    });
    expect(allowed.status, allowed.text).toBe(200);
    expect(seen(allowed.json).headers['x-user']).toBe('alice');
    const denied = await stack.call('ext-authz.example.com', '/headers', {
      headers: { 'x-ext-authz': 'deny' },
    });
    expect([denied.status, denied.text]).toEqual([403, 'denied by ext-authz']);
    expect(asked).toEqual(['GET /headers?q=1', 'GET /headers']);
  });

  it('rule order: the earlier /anything/{**} noAuth rule wins over the later jwt rule', async () => {
    const secret = await stack.call('httpbin.example.com', '/anything/secret');
    expect(secret.status, secret.text).toBe(200);
    expect(seen(secret.json).url).toBe('/anything/secret');
    expect((await stack.call('httpbin.example.com', '/anything/secret', { method: 'POST' })).status).toBe(
      200,
    );
  });
});

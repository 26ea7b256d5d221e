/**
 * Issue 14 end to end, what a Kyma APIRule rule does besides access, applied as YAML and called
 * through a real gateway: a rule's own service and timeout (a slow second backend: 504 on the
 * short-timeout rule only), request headers and cookies the backend sees, CORS with a regular
 * expression origin (preflights answered for a matching origin only), and the backend's own CORS
 * headers removed, with a corsPolicy or without one (as Kyma's VirtualService removes them).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echo, listen } from './http.js';
import { startDeclarativeStack, type DeclarativeStack } from './support.js';

let stack: DeclarativeStack;
let backend: Awaited<ReturnType<typeof listen>>;
let slow: Awaited<ReturnType<typeof listen>>;

/** A second service that takes 1.5 s to answer. */
function startSlowBackend() {
  return listen((req, res) => {
    void sleep(1500).then(() =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ slow: req.url })),
    );
  });
}

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
  rules:
    - path: /delay/short
      methods: ["GET"]
      noAuth: true
      service:
        name: slow
        port: ${slow.port}
      timeout: 1
    - path: /delay/{*}
      methods: ["GET"]
      noAuth: true
      service:
        name: slow
        port: ${slow.port}
      timeout: 10
    - path: /headers
      methods: ["GET"]
      noAuth: true
      request:
        headers:
          X-Tenant: acme
        cookies:
          session: from-rule
    - path: /{**}
      methods: ["GET", "POST"]
      noAuth: true
---
apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata:
  name: cors
  namespace: default
spec:
  hosts: [cors.example.com]
  service: { name: httpbin, port: ${backend.port} }
  corsPolicy:
    allowOrigins:
      - regex: "^https://[a-z]+\\\\.example\\\\.org$"
    allowMethods: ["GET", "POST"]
    allowHeaders: ["X-Custom-Header"]
    allowCredentials: true
    maxAge: 300
  rules:
    - path: /{**}
      methods: ["GET", "POST"]
      noAuth: true
`;

beforeAll(async () => {
  [stack, backend, slow] = await Promise.all([startDeclarativeStack(), listen(echo), startSlowBackend()]);
  const applied = await stack.applyYaml(apiRules(), { file: 'httpbin.yaml' });
  expect(applied.status, applied.text).toBe(200);
  expect(applied.json.objects).toEqual([
    expect.objectContaining({ name: 'default/httpbin', state: 'Ready' }),
    expect.objectContaining({ name: 'default/cors', state: 'Ready' }),
  ]);
});

afterAll(async () => {
  await stack?.close();
  await backend?.close();
  await slow?.close();
});

const preflight = (origin: string) =>
  stack.call('cors.example.com', '/anything', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST' },
  });
const corsHeaders = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('APIRule rule policy through a real gateway', () => {
  it("a rule's service and timeout: 504 on the short-timeout rule only", async () => {
    const short = await stack.call('httpbin.example.com', '/delay/short');
    expect([short.status, short.json.code]).toEqual([504, '101504']);
    const long = await stack.call('httpbin.example.com', '/delay/long');
    expect([long.status, long.json]).toEqual([200, { slow: '/delay/long' }]);
    // the other rules keep the APIRule's service
    const other = await stack.call('httpbin.example.com', '/status/200');
    expect([other.status, (other.json as { url: string }).url]).toEqual([200, '/status/200']);
  });

  it("a rule's request headers and cookies reach the backend, the client's other cookies kept", async () => {
    const answer = await stack.call('httpbin.example.com', '/headers', {
      headers: { cookie: 'theme=dark; session=from-client', 'x-tenant': 'someone-else' },
    });
    expect(answer.status).toBe(200);
    const { headers } = answer.json as { headers: Record<string, string> };
    expect(headers['x-tenant']).toBe('acme');
    expect(headers.cookie).toBe('theme=dark; session=from-rule');
  });

  it('CORS with a regex origin: a matching origin is answered at the gateway, another is not', async () => {
    const allowed = await preflight('https://app.example.org');
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.org',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'X-Custom-Header',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '300',
    });
    const other = await preflight('https://app.example.org.evil.com');
    expect(corsHeaders(other.headers)).toEqual([]);

    const call = await stack.call('cors.example.com', '/anything', {
      headers: { origin: 'https://app.example.org' },
    });
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe('https://app.example.org');
    // the backend's own `*` never reaches an origin the corsPolicy does not allow
    const foreign = await stack.call('cors.example.com', '/anything', {
      headers: { origin: 'https://evil.com' },
    });
    expect(foreign.status).toBe(200);
    expect(corsHeaders(foreign.headers)).toEqual([]);
  });

  it("without a corsPolicy the backend's CORS headers are removed", async () => {
    const answer = await stack.call('httpbin.example.com', '/anything', {
      headers: { origin: 'https://app.example.org' },
    });
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});

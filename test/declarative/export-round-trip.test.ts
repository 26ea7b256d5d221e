/**
 * Issue 14 end to end, the export round trip: objects made as the console makes them (an API
 * imported from OpenAPI, deployed and published; a subscription tier and an advanced policy; a
 * developer's application subscribed on that tier; an APIRule) are exported with `apim export`,
 * applied with `apim apply` to a second, empty installation, and after the developer makes keys
 * there (keys are not exported) the same calls through its gateway answer the same: status codes,
 * and the tier and policy that throttle them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createPizzaShackBackend, pizzaShackOpenApi } from '@apim/stack';
import { ADMIN, accessToken, basicAuth, echo, generateKeys, listen, request } from './http.js';
import { startDeclarativeStack, type DeclarativeStack } from './support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
/** users are no manifests: the developer signs up in each installation */
const developer = { username: 'pizza-dev', password: 'pizza-dev-password-1' };
const signUp = (stack: DeclarativeStack) =>
  ok(stack.rest('POST', `${DEV}/me/sign-up`, { ...developer, email: 'dev@example.com' }, null));
const ADMIN_API = '/api/am/admin/v4';
let source: DeclarativeStack;
let target: DeclarativeStack;
let echoBackend: Awaited<ReturnType<typeof listen>>;
const pizzas = createPizzaShackBackend();
let pizzaUrl = '';

async function ok(answer: Promise<{ status: number; text: string }>, status = 201) {
  const { status: got, text } = await answer;
  expect(got, text).toBe(status);
  return JSON.parse(text || '{}') as Record<string, unknown>;
}

/** What a publisher and an admin do in the console, through the same REST APIs. */
async function createAsTheConsoleWould(stack: DeclarativeStack) {
  await ok(
    stack.rest('POST', `${ADMIN_API}/throttling/policies/subscription`, {
      policyName: 'ThreePerMin',
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { requestCount: 3, unitTime: 1, timeUnit: 'min' },
      },
    }),
  );
  await ok(
    stack.rest('POST', `${ADMIN_API}/throttling/policies/advanced`, {
      policyName: 'TrialCapped',
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { requestCount: 1000, unitTime: 1, timeUnit: 'min' },
      },
      conditionalGroups: [
        {
          conditions: [
            { type: 'HEADERCONDITION', headerCondition: { headerName: 'x-plan', headerValue: 'trial' } },
          ],
          limit: {
            type: 'REQUESTCOUNTLIMIT',
            requestCount: { requestCount: 1, unitTime: 1, timeUnit: 'min' },
          },
        },
      ],
    }),
  );
  const form = new FormData();
  form.set(
    'file',
    new Blob([JSON.stringify(pizzaShackOpenApi(pizzaUrl))], { type: 'application/json' }),
    'pizza.json',
  );
  form.set(
    'additionalProperties',
    JSON.stringify({
      name: 'PizzaShackAPI',
      context: '/pizzashack',
      version: '1.0.0',
      policies: ['ThreePerMin'],
      apiThrottlingPolicy: 'TrialCapped',
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: pizzaUrl } },
    }),
  );
  const res = await fetch(`${stack.cp.url}${PUB}/apis/import-openapi`, {
    method: 'POST',
    headers: { authorization: basicAuth(ADMIN) },
    body: form,
  });
  const api = await ok(res.text().then((text) => ({ status: res.status, text })));
  const apiId = String(api.id);
  const revision = await ok(stack.rest('POST', `${PUB}/apis/${apiId}/revisions`, { description: 'first' }));
  await ok(
    stack.rest('POST', `${PUB}/apis/${apiId}/deploy-revision?revisionId=${String(revision.id)}`, [
      { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
    ]),
  );
  await ok(stack.rest('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`), 200);
  await signUp(stack);
  const app = await ok(
    stack.rest('POST', `${DEV}/applications`, { name: 'PizzaApp', throttlingPolicy: 'Unlimited' }, developer),
  );
  await ok(
    stack.rest(
      'POST',
      `${DEV}/subscriptions`,
      { applicationId: app.applicationId, apiId, throttlingPolicy: 'ThreePerMin' },
      developer,
    ),
  );
  const rule = await stack.applyYaml(`apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata: { name: echo, namespace: default }
spec:
  hosts: [echo.example.com]
  service: { name: echo, port: ${echoBackend.port} }
  rules:
    - path: /anything/{**}
      methods: [GET]
      noAuth: true
`);
  expect(rule.status, rule.text).toBe(200);
}

/** The calls compared: the APIRule's host, then the API as the application until throttled. */
async function calls(stack: DeclarativeStack, token: string): Promise<string[]> {
  const seen: string[] = [];
  const echoed = await stack.call('echo.example.com', '/anything/x');
  seen.push(`rule ${echoed.status}`);
  const menu = (headers: Record<string, string> = {}) =>
    request(`${stack.gw.url}/pizzashack/1.0.0/menu`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
  for (const plan of ['trial', 'trial', '', '', '', '']) {
    const answer = await menu(plan ? { 'x-plan': plan } : {});
    seen.push(
      `${plan || 'paid'} ${answer.status}${answer.status === 200 ? '' : ` ${String(answer.json.code)}`}`,
    );
  }
  return seen;
}

/** The developer's keys for the subscribed application (made anew where keys were not exported). */
async function tokenOfPizzaApp(stack: DeclarativeStack): Promise<string> {
  const apps = await stack.rest('GET', `${DEV}/applications`, undefined, developer);
  const { applicationId } = (apps.json.list as Array<{ applicationId: string; name: string }>).find(
    (a) => a.name === 'PizzaApp',
  )!;
  const token = await accessToken(stack.km, await generateKeys(stack, applicationId, developer));
  await stack.synced();
  return token;
}

beforeAll(async () => {
  await new Promise<void>((r) => pizzas.listen(0, '127.0.0.1', r));
  pizzaUrl = `http://127.0.0.1:${(pizzas.address() as AddressInfo).port}`;
  [source, target, echoBackend] = await Promise.all([
    startDeclarativeStack(),
    startDeclarativeStack(),
    listen(echo),
  ]);
});

afterAll(async () => {
  await source?.close();
  await target?.close();
  await echoBackend?.close();
  await new Promise<void>((r) => pizzas.close(() => r()));
});

describe('export, then apply into an empty installation', () => {
  let before: string[] = [];

  it('the source installation answers the calls, throttled by the tier and the advanced policy', async () => {
    await createAsTheConsoleWould(source);
    before = await calls(source, await tokenOfPizzaApp(source));
    expect(before).toEqual([
      'rule 200',
      'trial 200',
      'trial 429 900800', // the advanced policy's condition: one a minute with x-plan: trial
      'paid 200',
      'paid 200',
      'paid 429 900804', // the subscription tier: three a minute
      'paid 429 900804',
    ]);
  });

  it('apim export, then apim apply to the empty installation: the same answers', async () => {
    const dir = path.join(source.dir, 'exported');
    const exported = await source.apim('export', '--dir', dir);
    expect(exported.code, exported.stderr).toBe(0);
    const empty = await target.counts();
    const refused = await target.apim('apply', '-f', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("there is no user 'pizza-dev'");
    expect(await target.counts()).toEqual(empty);

    await signUp(target);
    const applied = await target.apim('apply', '-f', dir, '--wait', '30');
    expect(applied.stderr).toBe('');
    expect(applied.code, applied.stdout).toBe(0);
    const after = await calls(target, await tokenOfPizzaApp(target));
    expect(after).toEqual(before);
    // and the objects are the same: the target exports what the source did
    expect((await target.apim('export')).stdout).toBe((await source.apim('export')).stdout);
  });
});

/**
 * What the suite's traffic needs, made through the control plane's REST APIs (via the load
 * balancer) as a publisher and a developer would: two subscription tiers counted in Redis, APIs
 * secured by OAuth2 and published on the cluster's gateways, and subscribed applications with
 * their tokens.
 */
import { TEST_ADMIN_PASSWORD } from '@apim/testing';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const ADMIN = '/api/am/admin/v4';

interface User {
  username: string;
  password: string;
}

export const admin: User = { username: 'admin', password: TEST_ADMIN_PASSWORD };
export const developer: User = { username: 'failure-dev', password: 'failure-dev-password-1' };

/** the tier of the steady load: counted in Redis on every request, far from refusing any */
export const LOAD_TIER = 'FailureLoad';
/** the tier whose exactness is checked: this many requests a minute across the gateways */
export const PROBE_TIER = 'FailureProbe';
export const PROBE_LIMIT = 120;

export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function rest<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  who: User | null,
  body?: unknown,
): Promise<T> {
  const form = body instanceof FormData;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(who
        ? { authorization: `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}` }
        : {}),
      ...(body === undefined || form ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok)
    throw new RestError(res.status, `${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** The tiers and the developer's account; run once per cluster. */
export async function prepareProduct(cp: string): Promise<void> {
  for (const [policyName, requestCount] of [
    [LOAD_TIER, 100_000_000],
    [PROBE_TIER, PROBE_LIMIT],
  ] as const)
    await rest(cp, 'POST', `${ADMIN}/throttling/policies/subscription`, admin, {
      policyName,
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { timeUnit: 'min', unitTime: 1, requestCount },
      },
      stopOnQuotaReach: true,
    });
  await rest(cp, 'POST', `${DEV}/me/sign-up`, null, { ...developer, email: 'failure-dev@example.com' });
}

/** An OAuth2-secured API with one GET resource on `backendUrl`, deployed and published; its id. */
export async function publishApi(cp: string, name: string, backendUrl: string): Promise<string> {
  const context = `/${name.toLowerCase()}`;
  const openapi = {
    openapi: '3.0.3',
    info: { title: name, version: '1.0.0' },
    paths: { '/items': { get: { responses: { '200': { description: 'the items' } } } } },
  };
  const form = new FormData();
  form.set('file', new Blob([JSON.stringify(openapi)], { type: 'application/json' }), 'api.json');
  form.set(
    'additionalProperties',
    JSON.stringify({
      name,
      context,
      version: '1.0.0',
      policies: [LOAD_TIER, PROBE_TIER],
      securityScheme: ['oauth2'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: backendUrl },
        sandbox_endpoints: { url: backendUrl },
      },
    }),
  );
  const api = await rest<{ id: string }>(cp, 'POST', `${PUB}/apis/import-openapi`, admin, form);
  const revision = await rest<{ id: string }>(cp, 'POST', `${PUB}/apis/${api.id}/revisions`, admin, {
    description: 'failure suite',
  });
  await rest(cp, 'POST', `${PUB}/apis/${api.id}/deploy-revision?revisionId=${revision.id}`, admin, [
    { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
  ]);
  await rest(cp, 'POST', `${PUB}/apis/change-lifecycle?apiId=${api.id}&action=Publish`, admin);
  return api.id;
}

export const apiPath = (name: string) => `/${name.toLowerCase()}/1.0.0/items`;

/** Subscribes the developer's application to `apiId` on `tier`; the subscription's id. */
export async function subscribe(
  cp: string,
  applicationId: string,
  apiId: string,
  tier: string,
): Promise<string> {
  const sub = await rest<{ subscriptionId: string }>(cp, 'POST', `${DEV}/subscriptions`, developer, {
    applicationId,
    apiId,
    throttlingPolicy: tier,
  });
  return sub.subscriptionId;
}

export interface Subscribed {
  applicationId: string;
  subscriptionId: string;
  token: string;
}

/**
 * A new application of the developer, with production keys, subscribed to `apiId` on `tier`, and
 * an access token: the whole path through control plane and key manager.
 */
export async function subscribeNewApplication(
  cp: string,
  apiId: string,
  tier: string,
  name: string,
): Promise<Subscribed> {
  const app = await rest<{ applicationId: string }>(cp, 'POST', `${DEV}/applications`, developer, {
    name,
    throttlingPolicy: 'Unlimited',
    tokenType: 'JWT',
  });
  const keys = await rest<{ keyMappingId: string; consumerSecret: string }>(
    cp,
    'POST',
    `${DEV}/applications/${app.applicationId}/generate-keys`,
    developer,
    { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: 7200 },
  );
  const subscriptionId = await subscribe(cp, app.applicationId, apiId, tier);
  const issued = await rest<{ accessToken: string }>(
    cp,
    'POST',
    `${DEV}/applications/${app.applicationId}/oauth-keys/${keys.keyMappingId}/generate-token`,
    developer,
    { consumerSecret: keys.consumerSecret, validityPeriod: 7200 },
  );
  return { applicationId: app.applicationId, subscriptionId, token: issued.accessToken };
}

/** The API's request counts in the admin's analytics summary of the last `minutes`. */
export async function storedCounts(
  cp: string,
  apiId: string,
  minutes = 60,
): Promise<{ requests: number; throttled: number; errors: number }> {
  const summary = await rest<{
    byApi: Array<{ apiId: string; requests: number; throttled: number; errors: number }>;
  }>(cp, 'GET', `${ADMIN}/analytics/summary?minutes=${minutes}&recent=0`, admin);
  const row = summary.byApi.find((r) => r.apiId === apiId);
  return { requests: row?.requests ?? 0, throttled: row?.throttled ?? 0, errors: row?.errors ?? 0 };
}

/** Whether the subscription is listed for its application (the control plane's view of it). */
export async function subscriptionListed(cp: string, s: Subscribed): Promise<boolean> {
  const list = await rest<{ list: Array<{ subscriptionId: string }> }>(
    cp,
    'GET',
    `${DEV}/subscriptions?applicationId=${s.applicationId}`,
    developer,
  );
  return list.list.some((x) => x.subscriptionId === s.subscriptionId);
}

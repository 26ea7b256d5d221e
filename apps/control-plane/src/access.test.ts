/**
 * The role matrix: every operation of the three REST APIs, called by anonymous, a subscriber,
 * another subscriber, a creator, a publisher and an admin, answers 401 / 403 / "let through"
 * exactly as its documented scopes say; and nobody reads or changes another user's applications,
 * keys or subscriptions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopesForRoles } from '@apim/contracts';
import { ADMIN, createUser, restClient, startTestBed, type Caller, type TestBed } from './test-support.js';

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security: Array<Record<string, string[]>>;
        requestBody?: { content: Record<string, unknown> };
      }
    >
  >;
};

let bed: TestBed;
let call: ReturnType<typeof restClient>;
const callers: Record<string, { caller?: Caller; roles: string[] }> = {};

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  callers.anonymous = { roles: [] };
  callers.subscriber = {
    caller: await createUser(bed.prisma, 'sub1', ['subscriber']),
    roles: ['subscriber'],
  };
  callers.otherSubscriber = {
    caller: await createUser(bed.prisma, 'sub2', ['subscriber']),
    roles: ['subscriber'],
  };
  callers.creator = { caller: await createUser(bed.prisma, 'creator1', ['creator']), roles: ['creator'] };
  callers.publisher = {
    caller: await createUser(bed.prisma, 'publisher1', ['publisher']),
    roles: ['publisher'],
  };
  callers.admin = { caller: ADMIN, roles: ['admin'] };
});
afterAll(async () => bed?.close());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** What the document says a caller with these roles gets: 401, 403, or through (anything else). */
function expected(
  security: Array<Record<string, string[]>>,
  roles: string[],
  anonymous: boolean,
): 401 | 403 | 'through' {
  if (security.some((s) => Object.keys(s).length === 0)) return 'through';
  if (anonymous) return 401;
  const scopes = security.find((s) => 'OAuth2Security' in s)?.OAuth2Security ?? [];
  if (scopes.length === 0) return 'through';
  const held = scopesForRoles(roles);
  return scopes.some((s) => held.has(s as never)) ? 'through' : 403;
}

describe('role matrix', () => {
  it('gives every operation x caller the status its scopes say', async () => {
    const documents = bed.cp.app.documents as Record<string, Doc>;
    const failures: string[] = [];
    let checked = 0;
    for (const [base, doc] of Object.entries(documents)) {
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const url = base + path.replace(/\{[^}]+\}/g, UNKNOWN_ID);
          for (const [who, { caller, roles }] of Object.entries(callers)) {
            const multipart = op.requestBody && 'multipart/form-data' in op.requestBody.content;
            const res = await call(method.toUpperCase(), url, {
              as: caller,
              ...(multipart ? { form: new FormData() } : op.requestBody ? { json: {} } : {}),
            });
            const want = expected(op.security, roles, !caller);
            const ok = want === 'through' ? res.status !== 401 && res.status !== 403 : res.status === want;
            checked++;
            if (!ok)
              failures.push(
                `${method.toUpperCase()} ${base}${path} as ${who}: ${res.status}, expected ${want}`,
              );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(80 * 6);
  });
});

describe('ownership', () => {
  it('keeps applications, keys and subscriptions to their owner (and admins)', async () => {
    const owner = callers.subscriber!.caller!;
    const other = callers.otherSubscriber!.caller!;
    const api = await call<{ id: string }>('POST', '/api/am/publisher/v4/apis', {
      as: ADMIN,
      json: { name: 'Owned', context: '/owned', version: '1', policies: ['Gold'] },
    });
    await call('POST', `/api/am/publisher/v4/apis/change-lifecycle?apiId=${api.body.id}&action=Publish`, {
      as: ADMIN,
    });
    const app = await call<{ applicationId: string }>('POST', '/api/am/devportal/v3/applications', {
      as: owner,
      json: { name: 'Mine', throttlingPolicy: 'Unlimited' },
    });
    const appId = app.body.applicationId;
    const sub = await call<{ subscriptionId: string }>('POST', '/api/am/devportal/v3/subscriptions', {
      as: owner,
      json: { applicationId: appId, apiId: api.body.id, throttlingPolicy: 'Gold' },
    });
    expect(sub.status).toBe(201);
    const subId = sub.body.subscriptionId;
    const D = '/api/am/devportal/v3';
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `${D}/applications/${appId}`],
      ['PUT', `${D}/applications/${appId}`, { name: 'Stolen', throttlingPolicy: 'Unlimited' }],
      ['DELETE', `${D}/applications/${appId}`],
      ['POST', `${D}/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION' }],
      ['GET', `${D}/applications/${appId}/oauth-keys`],
      ['POST', `${D}/applications/${appId}/keys/PRODUCTION/generate-token`, { consumerSecret: 'x' }],
      ['POST', `${D}/applications/${appId}/api-keys/PRODUCTION/generate`, {}],
      ['GET', `${D}/applications/${appId}/api-keys/PRODUCTION`],
      ['GET', `${D}/subscriptions?applicationId=${appId}`],
      ['GET', `${D}/subscriptions/${subId}`],
      [
        'PUT',
        `${D}/subscriptions/${subId}`,
        { applicationId: appId, apiId: api.body.id, throttlingPolicy: 'Gold' },
      ],
      ['DELETE', `${D}/subscriptions/${subId}`],
      ['POST', `${D}/subscriptions`, { applicationId: appId, apiId: api.body.id, throttlingPolicy: 'Gold' }],
    ];
    for (const [method, url, json] of attempts) {
      const res = await call(method, url, { as: other, ...(json ? { json } : {}) });
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    const othersList = await call<{ list: unknown[] }>('GET', `${D}/applications`, { as: other });
    expect(othersList.body.list).toEqual([]);
    const othersSubs = await call<{ list: unknown[] }>('GET', `${D}/subscriptions`, { as: other });
    expect(othersSubs.body.list).toEqual([]);
    // untouched, and still the owner's; admins see it
    expect((await call('GET', `${D}/applications/${appId}`, { as: owner })).body).toMatchObject({
      name: 'Mine',
    });
    expect((await call('GET', `${D}/subscriptions/${subId}`, { as: ADMIN })).status).toBe(200);
    expect(await bed.prisma.subscription.count({ where: { id: subId } })).toBe(1);
  });

  it('shows each API in the developer portal only to those its visibility allows', async () => {
    const P = '/api/am/publisher/v4';
    const ids: Record<string, string> = {};
    for (const [name, extra] of [
      ['Open', { visibility: 'PUBLIC' }],
      ['Members', { visibility: 'PRIVATE' }],
      ['Creators', { visibility: 'RESTRICTED', visibleRoles: ['creator'] }],
    ] as const) {
      const api = await call<{ id: string }>('POST', `${P}/apis`, {
        as: ADMIN,
        json: {
          name: `Vis${name}`,
          context: `/vis${name.toLowerCase()}`,
          version: '1',
          tags: ['vis'],
          ...extra,
        },
      });
      ids[name] = api.body.id;
      await call('POST', `${P}/apis/change-lifecycle?apiId=${api.body.id}&action=Publish`, { as: ADMIN });
    }
    const seen = async (as?: Caller) =>
      (
        await call<{ list: Array<{ name: string }> }>('GET', '/api/am/devportal/v3/apis?query=tag:vis', {
          as,
        })
      ).body.list
        .map((a) => a.name)
        .sort();
    expect(await seen()).toEqual(['VisOpen']);
    expect(await seen(callers.subscriber!.caller)).toEqual(['VisMembers', 'VisOpen']);
    expect(await seen(callers.creator!.caller)).toEqual(['VisCreators', 'VisMembers', 'VisOpen']);
    expect(await seen(ADMIN)).toEqual(['VisCreators', 'VisMembers', 'VisOpen']);
    expect(
      (await call('GET', `/api/am/devportal/v3/apis/${ids.Creators}`, { as: callers.subscriber!.caller }))
        .status,
    ).toBe(404);
    expect((await call('GET', `/api/am/devportal/v3/apis/${ids.Members}/swagger`)).status).toBe(404);
  });

  it('lets exactly one of two simultaneous identical subscriptions through', async () => {
    const owner = callers.subscriber!.caller!;
    const api = await call<{ id: string }>('POST', '/api/am/publisher/v4/apis', {
      as: ADMIN,
      json: { name: 'Race', context: '/race', version: '1', policies: ['Gold'] },
    });
    await call('POST', `/api/am/publisher/v4/apis/change-lifecycle?apiId=${api.body.id}&action=Publish`, {
      as: ADMIN,
    });
    const app = await call<{ applicationId: string }>('POST', '/api/am/devportal/v3/applications', {
      as: owner,
      json: { name: 'Racer', throttlingPolicy: 'Unlimited' },
    });
    const body = { applicationId: app.body.applicationId, apiId: api.body.id, throttlingPolicy: 'Gold' };
    const results = await Promise.all([
      call('POST', '/api/am/devportal/v3/subscriptions', { as: owner, json: body }),
      call('POST', '/api/am/devportal/v3/subscriptions', { as: owner, json: body }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(
      await bed.prisma.subscription.count({
        where: { applicationId: body.applicationId, apiId: body.apiId },
      }),
    ).toBe(1);
    const events = await bed.prisma.gatewayEvent.count({
      where: {
        type: 'SUBSCRIPTION_UPSERTED',
        payload: { path: ['subscription', 'applicationId'], equals: body.applicationId },
      },
    });
    expect(events).toBe(1);
  });
});

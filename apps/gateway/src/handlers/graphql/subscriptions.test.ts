/**
 * GraphQL subscriptions over WebSocket through a real gateway: graphql-ws's own client (with `ws`)
 * and server (graphql-js's executor), the real key manager. Each subscribe is checked at the
 * gateway; a refused one is answered with a graphql-ws `error` for its id and the socket stays open.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import { WebSocket } from 'ws';
import { startStack, type Stack } from '../../test-support/stack.js';
import { ISSUES_SDL, startSubscriptionBackend, type SubscriptionBackend } from './subscription-backend.js';

let s: Stack;
let backend: SubscriptionBackend;
let apiId: string;
const tokens: Record<'plain' | 'auditor', string> = { plain: '', auditor: '' };

const ISSUES = 'subscription { issueOpened(repository: "octo/hello", count: 3) { number title } }';
const AUDIT = 'subscription { auditLog }';

/** `ws` with headers of our own on the handshake (graphql-ws calls `new impl(url, protocol)`) */
const withHeaders = (headers: Record<string, string>) =>
  class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };

interface Opened {
  client: Client;
  /** socket opened and closed, as the client saw them */
  connected: number;
  closed: number;
}

/** A client that connects at once and never retries, so one socket is all it ever has. */
function open(query: string, o: Partial<ClientOptions> = {}): Opened {
  const opened: Opened = { client: undefined as unknown as Client, connected: 0, closed: 0 };
  opened.client = createClient({
    url: `${s.gw.url.replace(/^http/, 'ws')}/issues/1.0.0${query}`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => void opened.connected++, closed: () => void opened.closed++ },
    ...o,
  });
  return opened;
}

interface Outcome {
  events: unknown[];
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Every event of one subscription, until it completes or is refused. */
function subscription(client: Client, query: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const events: unknown[] = [];
    client.subscribe(
      { query },
      {
        next: (result) => void events.push(result.data),
        error: (errors) => resolve({ events, errors: errors as Outcome['errors'] }),
        complete: () => resolve({ events }),
      },
    );
  });
}

const threeIssues = [1, 2, 3].map((n) => ({ issueOpened: { number: n, title: `octo/hello #${n}` } }));

beforeAll(async () => {
  s = await startStack();
  backend = await startSubscriptionBackend();
  const api = await s.fx.deployApi({
    type: 'GRAPHQL',
    context: '/issues',
    backendUrl: backend.url,
    graphqlSchema: ISSUES_SDL,
    operations: [
      { verb: 'QUERY', target: 'status' },
      { verb: 'SUBSCRIPTION', target: 'issueOpened' },
      { verb: 'SUBSCRIPTION', target: 'auditLog', scopes: ['audit_read'] },
    ],
    // bound to no role: any application may ask for it
    scopes: [{ name: 'audit_read', roles: [] }],
  });
  const app = await s.fx.createApplication();
  await s.fx.subscribe(app.id, api.id, 'Unlimited');
  apiId = api.id;
  const key = await s.newKey(app.id);
  await s.synced();
  tokens.plain = await s.token(key);
  tokens.auditor = await s.token(key, 'audit_read');
});

afterAll(async () => {
  await backend?.close();
  await s?.close();
});

describe('GraphQL subscriptions over WebSocket', () => {
  it("relays a subscription's events from the backend, with the token in ?access_token=", async () => {
    const { client } = open(`?access_token=${tokens.plain}`);
    expect(await subscription(client, ISSUES)).toEqual({ events: threeIssues });
    await client.dispose();
    // the query parameter is the gateway's, not the backend's
    expect(backend.handshakes.at(-1)).toBe('/');
    expect(backend.subscribed.at(-1)).toBe(ISSUES);
  });

  it('takes the token in the Authorization header too', async () => {
    const { client } = open('', {
      webSocketImpl: withHeaders({ authorization: `Bearer ${tokens.plain}` }),
    });
    expect(await subscription(client, ISSUES)).toEqual({ events: threeIssues });
    await client.dispose();
  });

  it("refuses a subscribe for a field outside the caller's scopes with an error naming it, the socket open for another subscription", async () => {
    const before = backend.subscribed.length;
    const opened = open(`?access_token=${tokens.plain}`);
    const refused = await subscription(opened.client, AUDIT);
    expect(refused.events).toEqual([]);
    expect(refused.errors).toEqual([
      {
        message: expect.stringContaining("'auditLog'") as string,
        extensions: { code: '900910', field: 'auditLog', scopes: ['audit_read'] },
      },
    ]);
    expect(await subscription(opened.client, ISSUES)).toEqual({ events: threeIssues });
    expect(opened).toMatchObject({ connected: 1, closed: 0 });
    // the refused subscribe never reached the backend
    expect(backend.subscribed.slice(before)).toEqual([ISSUES]);
    await opened.client.dispose();

    const auditor = open(`?access_token=${tokens.auditor}`);
    expect(await subscription(auditor.client, AUDIT)).toEqual({ events: [{ auditLog: 'entry 1' }] });
    await auditor.client.dispose();
  });

  it('refuses a query over the socket and a document the schema does not validate (900422), the socket open', async () => {
    const opened = open(`?access_token=${tokens.plain}`);
    const query = await subscription(opened.client, '{ status }');
    expect(query.errors).toEqual([
      {
        message: 'Only subscriptions are served over WebSocket: send queries and mutations over HTTP',
        extensions: { code: '900422' },
      },
    ]);
    const invalid = await subscription(opened.client, 'subscription { issueOpened { number } }');
    expect(invalid.errors?.[0]).toMatchObject({
      message: expect.stringContaining('argument "repository"') as string,
      extensions: { code: '900422' },
    });
    expect(await subscription(opened.client, ISSUES)).toEqual({ events: threeIssues });
    expect(opened).toMatchObject({ connected: 1, closed: 0 });
    await opened.client.dispose();
  });

  /** A fresh subscribed application's token, and a socket opened with it that resolves its close. */
  async function openedSocket(): Promise<{ appId: string; token: string; closed: Promise<unknown> }> {
    const app = await s.fx.createApplication();
    await s.fx.subscribe(app.id, apiId, 'Unlimited');
    const token = await s.token(await s.newKey(app.id));
    await s.synced();
    let onClosed: (event: unknown) => void = () => {};
    const closed = new Promise<unknown>((r) => (onClosed = r));
    await new Promise<void>((r) => {
      open(`?access_token=${token}`, {
        on: { connected: () => r(), closed: (e) => onClosed(e) },
        // the close is expected: graphql-ws would print it
        onNonLazyError: () => {},
      });
    });
    return { appId: app.id, token, closed };
  }

  it('closes the socket once its subscription is removed (4002), as a WS API connection', async () => {
    const { appId, closed } = await openedSocket();
    await s.fx.unsubscribe(appId, apiId);
    expect(await closed).toMatchObject({ code: 4002, reason: 'User NOT authorized to access the resource' });
  });

  it('closes the socket once its token is revoked (4001)', async () => {
    const { token, closed } = await openedSocket();
    const { jti } = decodeJwt(token) as { jti: string };
    await s.fx.revokeToken(jti, new Date(Date.now() + 3_600_000));
    expect(await closed).toMatchObject({ code: 4001 });
  });

  it('answers a handshake without credentials 401 (900902) before the backend', async () => {
    const handshakes = backend.handshakes.length;
    const ws = new WebSocket(`${s.gw.url.replace(/^http/, 'ws')}/issues/1.0.0`, 'graphql-transport-ws');
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      ws.once('unexpected-response', (req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      ws.once('open', () => reject(new Error('the handshake was accepted')));
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: '900902' });
    expect(backend.handshakes.length).toBe(handshakes);
  });
});

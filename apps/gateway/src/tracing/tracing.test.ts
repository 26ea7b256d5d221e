/**
 * OpenTelemetry tracing through a real gateway, the real key manager (an opaque token, so the
 * gateway introspects it) and a real backend, exported over OTLP to a real receiver: one trace
 * from the client's traceparent to the backend, and nothing at all from a gateway without an
 * OTLP endpoint.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTracingConfig, startTracing } from '@apim/service';
import {
  eventually,
  startOtlpReceiver,
  testRedisUrl,
  type OtlpReceiver,
  type ReceivedSpan,
} from '@apim/testing';
import { KEY_MANAGER_OPAQUE_TOKEN } from '../handlers/authentication/introspection.js';
import { startStack, type Stack } from '../test-support/stack.js';
import { startGateway, type StartedGateway } from '../testing.js';

let receiver: OtlpReceiver;
let s: Stack;
let token: string;
let untraced: StartedGateway;
let apiId: string;

const SERVER = 2;
const CLIENT = 3;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // spans go out 200 ms after they end rather than 5 s (the specification's default): the checks
  // wait for them
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
  s = await startStack({ gatewayEnv: otel, keyManagerEnv: otel });
  const app = await s.fx.createApplication({ name: 'tracer-app', tokenType: 'OPAQUE' });
  apiId = (await s.fx.deployApi({ name: 'Traced', context: '/traced', backendUrl: s.backend.url })).id;
  await s.fx.subscribe(app.id, apiId);
  token = await s.token(await s.newKey(app.id));
  untraced = await startGateway({
    databaseUrl: s.db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
  });
  await s.synced();
});

afterAll(async () => {
  await untraced?.close();
  await s?.close();
  await receiver?.close();
});

const traceOf = (traceId: string) => receiver.spans().filter((x) => x.traceId === traceId);
const byName = (spans: ReceivedSpan[], name: string) => spans.find((x) => x.name === name);

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('makes one trace of gateway, handler phases, key manager introspection and backend', async () => {
    // the opaque shape: the gateway must ask the key manager
    expect(token).toMatch(KEY_MANAGER_OPAQUE_TOKEN);
    const r = await s.call('/traced/1.0.0/pets?apikey=kept-out', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
    const sent = s.backend.received.at(-1)!.headers.traceparent as string;
    const [, traceId, backendParent] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(sent) ?? [];
    expect(traceId).toBeDefined();

    const spans = await eventually(() => {
      const t = traceOf(traceId!);
      expect(t.find((x) => x.resource['service.name'] === 'apim-key-manager')).toBeDefined();
      expect(t.find((x) => x.kind === SERVER && x.resource['service.name'] === 'apim-gateway')).toBeDefined();
      return t;
    }, 20_000);

    const request = spans.find((x) => x.kind === SERVER && x.resource['service.name'] === 'apim-gateway')!;
    expect(request).toMatchObject({
      name: 'GET /traced/1.0.0/*',
      parentSpanId: '',
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'apim.api.id': apiId,
        'apim.api.name': 'Traced',
        'apim.operation': 'GET /*',
        'apim.application.name': 'tracer-app',
        'apim.key_type': 'PRODUCTION',
      },
    });
    expect(request.attributes['apim.error.code']).toBeUndefined();
    // a child per handler phase the request went through, authentication among them
    const phases = spans.filter((x) => x.parentSpanId === request.spanId && x.name.startsWith('handler '));
    expect(phases.map((p) => p.name)).toContain('handler authentication');
    const auth = byName(phases, 'handler authentication')!;
    // the introspection call made inside the authentication phase, and the key manager's span under it
    const introspection = byName(spans, 'token introspection')!;
    expect(introspection).toMatchObject({ kind: CLIENT, parentSpanId: auth.spanId });
    const km = spans.find((x) => x.resource['service.name'] === 'apim-key-manager')!;
    expect(km).toMatchObject({ kind: SERVER, parentSpanId: introspection.spanId, name: 'POST' });
    // the backend call, whose span the backend's traceparent names as parent
    const backend = byName(spans, 'backend')!;
    expect(backend).toMatchObject({
      kind: CLIENT,
      parentSpanId: request.spanId,
      spanId: backendParent,
      attributes: { 'http.response.status_code': 200 },
    });
    // nothing of the query string (it may hold a key) nor of the token in any attribute
    expect(JSON.stringify(spans)).not.toContain('kept-out');
    expect(JSON.stringify(spans)).not.toContain(token);
  });

  it("traces the key set fetch a request's JWT made the gateway do, and the key manager's answer", async () => {
    // a rule's jwt strategy fetches its issuer's key set when a request first needs it
    await s.fx.deployApi({
      context: '/ruled',
      backendUrl: s.backend.url,
      operations: [
        {
          verb: 'GET',
          target: '/km',
          rule: {
            access: {
              strategy: 'jwt',
              jwt: { authentications: [{ issuer: s.km.issuer, jwksUri: `${s.km.url}/oauth2/jwks` }] },
            },
          },
        },
      ],
    });
    const app = await s.fx.createApplication({ name: 'jwt-app', tokenType: 'JWT' });
    const jwt = await s.token(await s.newKey(app.id));
    await s.synced();
    expect((await s.call('/ruled/1.0.0/km', { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(
      200,
    );
    const sent = s.backend.received.at(-1)!.headers.traceparent as string;
    const traceId = /^00-([0-9a-f]{32})-/.exec(sent)![1]!;

    const spans = await eventually(() => {
      const t = traceOf(traceId);
      expect(byName(t, 'JWKS fetch')).toBeDefined();
      expect(t.find((x) => x.resource['service.name'] === 'apim-key-manager')).toBeDefined();
      return t;
    }, 20_000);
    const fetched = byName(spans, 'JWKS fetch')!;
    expect(fetched).toMatchObject({
      kind: CLIENT,
      parentSpanId: byName(spans, 'handler rule-access')!.spanId,
      attributes: { 'url.full': `${s.km.url}/oauth2/jwks` },
    });
    const km = spans.find((x) => x.resource['service.name'] === 'apim-key-manager')!;
    expect(km).toMatchObject({ kind: SERVER, parentSpanId: fetched.spanId, name: 'GET' });
  });

  it("continues the client's trace and marks the gateway's error code", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const r = await s.call('/traced/1.0.0/pets', { headers: { traceparent: `00-${traceId}-${parent}-01` } });
    expect(r.status).toBe(401);
    const request = await eventually(() => {
      const found = traceOf(traceId).find((x) => x.kind === SERVER);
      expect(found).toBeDefined();
      return found!;
    }, 20_000);
    expect(request).toMatchObject({
      parentSpanId: parent,
      attributes: {
        'http.response.status_code': 401,
        'apim.error.code': '900902',
        'apim.api.name': 'Traced',
      },
    });
    // refused in a handler: no backend call
    expect(byName(traceOf(traceId), 'backend')).toBeUndefined();
  });

  it("follows a caller's decision not to sample: the backend gets the unsampled context, no span is exported", async () => {
    const unsampled = randomBytes(16).toString('hex');
    const r = await s.call('/traced/1.0.0/quiet', {
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${unsampled}-${randomBytes(8).toString('hex')}-00`,
      },
    });
    expect(r.status).toBe(200);
    expect(s.backend.received.at(-1)!.headers.traceparent).toMatch(
      new RegExp(`^00-${unsampled}-[0-9a-f]{16}-00$`),
    );
    // a sampled request after it: once its spans are in, the unsampled one's would be too
    const sampled = randomBytes(16).toString('hex');
    await s.call('/traced/1.0.0/loud', {
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${sampled}-${randomBytes(8).toString('hex')}-01`,
      },
    });
    await eventually(() => expect(traceOf(sampled).find((x) => x.kind === SERVER)).toBeDefined(), 20_000);
    expect(traceOf(unsampled)).toEqual([]);
  });
});

describe('tracing off (no OTLP endpoint)', () => {
  it('creates and exports nothing, and passes the incoming traceparent to the backend unchanged', async () => {
    expect(readTracingConfig({}).endpoint).toBeNull();
    expect(startTracing(readTracingConfig({}), 'apim-gateway')).toBeNull();
    const since = BigInt(Date.now()) * 1_000_000n;
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const res = await fetch(`${untraced.url}/traced/1.0.0/off`, {
      headers: { authorization: `Bearer ${token}`, traceparent, tracestate: 'vendor=1' },
    });
    expect(res.status).toBe(200);
    const got = s.backend.received.at(-1)!;
    expect(got.url).toBe('/off');
    expect(got.headers.traceparent).toBe(traceparent);
    expect(got.headers.tracestate).toBe('vendor=1');
    // the traced key manager exports its span of the untraced gateway's introspection (a trace of
    // its own: the gateway sent no traceparent); once it is in, the gateway would have exported too
    await eventually(() => {
      const km = receiver
        .spans()
        .filter(
          (x) => x.resource['service.name'] === 'apim-key-manager' && BigInt(x.startTimeUnixNano) > since,
        );
      expect(km.length).toBeGreaterThan(0);
      expect(km.every((x) => x.parentSpanId === '')).toBe(true);
    }, 20_000);
    const gateway = receiver
      .spans()
      .filter((x) => x.resource['service.name'] === 'apim-gateway' && BigInt(x.startTimeUnixNano) > since);
    expect(gateway).toEqual([]);
    expect(traceOf(traceId)).toEqual([]);
  });
});

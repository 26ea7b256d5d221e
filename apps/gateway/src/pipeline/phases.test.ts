/**
 * The handler contract, through the real pipeline and a real backend: the order of the phases, which
 * handlers they run for, per-request values, body filters, claimed methods and the log phase.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { createLogger } from '@apim/service';
import { BackendPools, compileBackend } from '../backend/endpoints.js';
import { Router } from '../routing/router.js';
import { startBackend, type TestBackend } from '../test-support/backend.js';
import type { CompiledApi } from './compile.js';
import { ReportStage } from './report.js';
import { RequestLocal } from './request-local.js';
import { errorResponse } from './respond.js';
import { createPipeline } from './serve.js';
import type { ExchangeReport, Handler } from './types.js';

function apiFor(backendUrl: string): GatewayApi {
  return {
    id: 'phases',
    name: 'Phases',
    context: '/phases',
    version: '1.0.0',
    providerName: 'admin',
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backendUrl } },
    securitySchemes: [],
    authorizationHeader: null,
    apiKeyHeader: null,
    corsConfig: null,
    subscriptionPolicies: [],
    apiThrottlingPolicy: null,
    maxTps: null,
    enableSchemaValidation: false,
    mediationPolicies: null,
    definition: null,
    operations: ['GET', 'POST'].map((verb) => ({
      verb: verb as 'GET' | 'POST',
      target: '/*',
      authEnabled: false,
      scopes: [],
      throttlingPolicy: null,
      operationPolicies: null,
    })),
    revisionId: 'r1',
    environment: 'Default',
    vhost: 'localhost',
    lifecycleStatus: 'PUBLISHED',
    isDefaultVersion: false,
  };
}

/** Every phase a handler saw, in the order it saw them, for all handlers of the test. */
const seen: string[] = [];
const reports: ExchangeReport[] = [];

/** Records its phases; answers, throws, filters or claims as the request's x-test header says. */
function recorder(name: string): Handler {
  // when, among all phases, this handler's onRequest ran: kept for this request only
  const startedAt = new RequestLocal<number>();
  return {
    name,
    answers: (req) => req.method === 'OPTIONS' && req.headers['x-test'] === `${name}:claim`,
    onRequest(ctx) {
      seen.push(`${name}.request`);
      startedAt.set(ctx, seen.length);
      const what = ctx.req.headers['x-test'];
      if (what === `${name}:answer`) return { status: 202, body: `answered by ${name}` };
      if (what === `${name}:claim`) return { status: 204, body: '' };
      if (what === `${name}:throw`) throw new Error(`${name} failed`);
      if (what === `${name}:count`) ctx.countBytes();
      return undefined;
    },
    onResponseHeaders(ctx, head) {
      seen.push(`${name}.headers:${head.source}:${head.status}`);
      ctx.responseHeaders[`x-${name}`] = String(startedAt.get(ctx));
      if (ctx.req.headers['x-test'] === `${name}:strip`) ctx.responseHeaders['x-backend'] = null;
    },
    onResponseData(ctx, chunk) {
      seen.push(`${name}.data`);
      if (ctx.req.headers['x-test'] === `${name}:upper`) return Buffer.from(chunk.toString().toUpperCase());
    },
    onDone(_ctx, report) {
      seen.push(`${name}.done:${report.status}`);
    },
  };
}

let backend: TestBackend;
let server: http.Server;
let base: string;
const pools = new BackendPools({ connections: 4, connectTimeoutMs: 1000 });

beforeAll(async () => {
  backend = await startBackend();
  const router = new Router<CompiledApi>();
  const api = apiFor(backend.url);
  const handlers = [recorder('a'), recorder('b'), recorder('c')];
  router.deploy(api.id, {
    api,
    handlers,
    needsBody: false,
    dataPhase: true,
    backend: compileBackend(api.endpointConfig, pools, 5000),
  });
  const logger = createLogger('gateway', 'silent');
  const serve = createPipeline({
    router,
    logger,
    reports: new ReportStage([{ onDone: (r) => reports.push(r) }], logger),
    tracer: null,
    // a fault of the gateway's own before routing (no request can cause one for real)
    health: (req) => {
      if (req.headers['x-test'] === 'health:throw') throw new Error('health check failed');
      return false;
    },
    clientIpOf: () => '127.0.0.1',
    maxBodyBytes: 1 << 20,
    stages: {},
  });
  server = http.createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/phases/1.0.0`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await pools.close();
  await backend.close();
});

async function call(test: string, init: RequestInit = {}, path = '/items') {
  seen.length = 0;
  reports.length = 0;
  const res = await fetch(`${base}${path}`, { ...init, headers: { 'x-test': test, ...init.headers } });
  const body = await res.text();
  // the log phase runs once the answer is out: wait for its report
  for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return { res, body, report: reports[0]! };
}

describe('the answer’s head', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('carries the request id, the backend’s headers and the handlers’ edits', async () => {
    const { res } = await call('none');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(res.headers.get('x-backend')).toBe('backend');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect([res.headers.get('x-a'), res.headers.get('x-b'), res.headers.get('x-c')]).toEqual(['1', '2', '3']);
    const given = await call('none', { headers: { 'x-request-id': 'client-chosen-id' } });
    expect(given.res.headers.get('x-request-id')).toBe('client-chosen-id');
  });

  it('lets an edit remove a backend header, and passes any header name the backend sends', async () => {
    const { res } = await call('b:strip', {}, '/items?set-header=constructor:yes&set-header=x-other:kept');
    expect(res.headers.get('x-backend')).toBeNull();
    expect(res.headers.get('constructor')).toBe('yes');
    expect(res.headers.get('x-other')).toBe('kept');
  });

  it('keeps a request id the backend answers with, as it keeps the backend’s other headers', async () => {
    const { res } = await call('none', {}, '/items?set-header=x-request-id:from-the-backend');
    expect(res.headers.get('x-request-id')).toBe('from-the-backend');
  });

  it('carries the request id on the gateway’s own answers: a handler’s, and one refused before routing', async () => {
    const answered = await call('b:answer');
    expect(answered.res.status).toBe(202);
    expect(answered.res.headers.get('x-request-id')).toMatch(UUID);
    expect(answered.res.headers.get('x-a')).toBe('1');
    // a whole body of known length: sent with its length, not chunked
    expect(answered.res.headers.get('content-length')).toBe(String(Buffer.byteLength(answered.body)));
    const refused = await fetch(`${base.replace('/phases/1.0.0', '')}/nowhere`);
    const refusal = await refused.text();
    expect(refused.status).toBe(404);
    expect(refused.headers.get('x-request-id')).toMatch(UUID);
    expect(refused.headers.get('content-length')).toBe(String(Buffer.byteLength(refusal)));
  });
});

describe('the handler contract', () => {
  it('runs onRequest in order, the backend, then the response phases and onDone in reverse', async () => {
    const { res, report } = await call('none');
    expect(res.status).toBe(200);
    const requestPhases = seen.filter((s) => s.endsWith('.request'));
    expect(requestPhases).toEqual(['a.request', 'b.request', 'c.request']);
    expect(seen.filter((s) => s.includes('.headers'))).toEqual([
      'c.headers:backend:200',
      'b.headers:backend:200',
      'a.headers:backend:200',
    ]);
    expect(seen.slice(-3)).toEqual(['c.done:200', 'b.done:200', 'a.done:200']);
    expect(report).toMatchObject({ status: 200, targetStatus: 200, error: null, completed: true });
    expect(report.api?.id).toBe('phases');
  });

  it('keeps per-request values between a handler’s phases (RequestLocal)', async () => {
    const { res } = await call('none');
    expect([res.headers.get('x-a'), res.headers.get('x-b'), res.headers.get('x-c')]).toEqual(['1', '2', '3']);
  });

  it('stops at the handler that answers: only the handlers it reached see the response phases', async () => {
    const { res, body, report } = await call('b:answer');
    expect([res.status, body]).toEqual([202, 'answered by b']);
    expect(seen).toEqual([
      'a.request',
      'b.request',
      'b.headers:gateway:202',
      'a.headers:gateway:202',
      'b.data',
      'a.data',
      'b.done:202',
      'a.done:202',
    ]);
    expect(report).toMatchObject({ status: 202, targetStatus: null, completed: false });
  });

  it('lets a response-data filter change the body, the backend’s and the gateway’s alike', async () => {
    const fromBackend = await call('a:upper');
    expect(fromBackend.body).toContain('"METHOD":"GET"');
    const fromGateway = await call('c:answer');
    expect(fromGateway.body).toBe('answered by c');
  });

  it('skips the phases of a handler whose onRequest threw, and answers 500', async () => {
    const { res, report } = await call('b:throw');
    expect(res.status).toBe(500);
    expect(seen).toEqual(['a.request', 'b.request', 'a.headers:gateway:500', 'a.data', 'a.done:500']);
    expect(report.error).toBe('INTERNAL_ERROR');
  });

  it('answers a fault before routing with 500 and the request’s id', async () => {
    const res = await fetch(`${base.slice(0, base.indexOf('/phases'))}/healthz`, {
      headers: { 'x-test': 'health:throw', 'x-request-id': 'req-before-routing' },
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-before-routing');
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.text()).toBe(errorResponse('INTERNAL_ERROR').body);
  });

  it('routes a method the resource does not declare to the chain when a handler claims it', async () => {
    const claimed = await call('a:claim', { method: 'OPTIONS' });
    expect(claimed.res.status).toBe(204);
    const unclaimed = await call('none', { method: 'OPTIONS' });
    expect(unclaimed.res.status).toBe(405);
    expect(unclaimed.report.api).toBeNull();
    expect(unclaimed.report.error).toBe(errorResponse('METHOD_NOT_ALLOWED').error);
  });

  it('counts the payload bytes of a streamed exchange once a handler asks for them', async () => {
    const body = 'x'.repeat(10_000);
    const counted = await call('a:count', {
      method: 'POST',
      body: new Blob([body]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(counted.report.requestBytes).toBe(10_000);
    expect(counted.report.responseBytes).toBe(Buffer.byteLength(counted.body));
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayErrors, type GatewayErrorName } from '@apim/contracts';
import { requestIdOf } from '@apim/service';
import { EventIds } from '../analytics/event-ids.js';
import type { AnalyticsPublisher } from '../analytics/publisher.js';
import { forward, type BackendBody } from '../backend/proxy.js';
import { BodyError, limitedStream } from '../builders/body.js';
import { requestRecorder, type GatewayMetrics } from '../metrics.js';
import { parseTarget } from '../routing/path.js';
import type { Router } from '../routing/router.js';
import { clientAddressOf } from '../transport/client-address.js';
import { isClosing, markClosing } from '../transport/closing.js';
import { inviteBody } from '../transport/expect-continue.js';
import { hasSeveralHosts } from '../transport/host-header.js';
import type { CompiledApi } from './compile.js';
import { Context } from './context.js';
import type { GatewayDeps } from './handler-module.js';
import { errorResponse } from './respond.js';
import type { ExchangeMeter, GatewayResponse, Outcome } from './types.js';

const THROTTLE_ERRORS = new Set<GatewayErrorName>([
  'API_THROTTLED',
  'RESOURCE_THROTTLED',
  'APPLICATION_THROTTLED',
  'SUBSCRIPTION_THROTTLED',
  'BURST_THROTTLED',
  'HARD_LIMIT_EXCEEDED',
]);
const BACKEND_ERRORS = new Set<GatewayErrorName>([
  'BACKEND_UNREACHABLE',
  'BACKEND_TIMEOUT',
  'ENDPOINT_SUSPENDED',
]);

function hostOf(req: IncomingMessage): string {
  const h = req.headers.host ?? '';
  const end = h.startsWith('[') ? h.indexOf(']') + 1 : h.indexOf(':');
  return (end > 0 ? h.slice(0, end) : h).toLowerCase();
}

function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
}

function send(
  res: ServerResponse,
  r: GatewayResponse,
  extra?: Record<string, string | null>,
  close = false,
  meter: ExchangeMeter | null = null,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (meter) meter.responseBytes += typeof r.body === 'string' ? Buffer.byteLength(r.body) : r.body.length;
  res.statusCode = r.status;
  if (r.headers) for (const k in r.headers) res.setHeader(k, r.headers[k]!);
  if (extra)
    for (const k in extra) {
      const v = extra[k];
      if (v === null || v === undefined) res.removeHeader(k);
      else res.setHeader(k, v);
    }
  if (close) {
    res.setHeader('connection', 'close');
    markClosing(res.req.socket);
  }
  res.end(r.body);
}

export interface PipelineOptions {
  deps: GatewayDeps;
  router: Router<CompiledApi>;
  metrics: GatewayMetrics;
  analytics: AnalyticsPublisher | null;
  /** answers /healthz and /readyz (true when it did) */
  health: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * The gateway's request path: health endpoints, target parsing, routing, the API's compiled handler
 * chain, the backend call, response handlers in reverse, then one analytics record and metrics.
 */
export function createPipeline(o: PipelineOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { deps, router, metrics } = o;
  const record = requestRecorder(metrics);
  const eventIds = new EventIds();
  const maxBody = deps.config.limits.maxBodyBytes;
  const clientIpOf = clientAddressOf(deps.config.trustedProxies);

  function finish(
    ctx: Context | null,
    req: IncomingMessage,
    clientIp: string,
    requestId: string,
    startedAt: number,
    status: number,
    targetStatus: number | null,
    backendLatencyMs: number | null,
    error: GatewayErrorName | null,
  ): void {
    if (ctx?.meter) {
      const meter = ctx.meter;
      ctx.meter = null; // charged once, however the exchange ended
      meter.done();
    }
    const api = ctx?.api;
    const total = performance.now() - startedAt;
    record.request(api, status, total / 1000);
    if (backendLatencyMs !== null) record.backend(api, backendLatencyMs / 1000);
    if (error && THROTTLE_ERRORS.has(error)) metrics.throttled.inc({ api: record.label(api), code: error });
    if (error && BACKEND_ERRORS.has(error))
      metrics.backendErrors.inc({ api: record.label(api), code: error });
    if (!o.analytics) return;
    const cred = ctx?.credential;
    o.analytics.record({
      // a request id the gateway made is a fresh UUID; one the client sent may repeat
      eventId: req.headers['x-request-id'] === requestId ? eventIds.next() : requestId,
      requestTimeMs: Date.now() - total,
      correlationId: requestId,
      gatewayId: deps.config.gatewayId,
      apiId: api?.id ?? null,
      apiName: api?.name ?? null,
      apiVersion: api?.version ?? null,
      apiContext: api?.context ?? null,
      apiResourceTemplate: ctx?.template ?? null,
      apiMethod: req.method ?? '',
      applicationId: cred?.applicationId ?? null,
      applicationName: cred?.application?.name ?? null,
      keyType: cred?.keyType ?? null,
      userName: cred?.username ?? null,
      proxyResponseCode: status,
      targetResponseCode: targetStatus,
      backendLatency: backendLatencyMs === null ? null : Math.round(backendLatencyMs),
      requestMediationLatency: ctx?.requestMediationMs == null ? null : Math.round(ctx.requestMediationMs),
      responseMediationLatency: ctx?.responseMediationMs == null ? null : Math.round(ctx.responseMediationMs),
      responseLatency: Math.round(total),
      errorCode: error ? GatewayErrors[error].code : null,
      errorType: error,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
      userIp: clientIp,
    });
  }

  function respondEarly(
    req: IncomingMessage,
    res: ServerResponse,
    r: GatewayResponse,
    requestId: string,
    startedAt: number,
    close = false,
  ) {
    send(res, r, undefined, close);
    finish(null, req, clientIpOf(req), requestId, startedAt, r.status, null, null, r.error ?? null);
  }

  async function run(ctx: Context, compiled: CompiledApi, res: ServerResponse): Promise<void> {
    const handlers = compiled.handlers;
    let outcome: Outcome;
    let ran = 0;
    for (; ran < handlers.length; ran++) {
      const o1 = handlers[ran]!.onRequest(ctx);
      outcome = o1 instanceof Promise ? await o1 : o1;
      if (outcome) {
        ran++;
        break;
      }
    }
    // WSO2's response mediation latency: the time the response handlers take
    const responseHandlers = (status: number) => {
      const started = performance.now();
      for (let i = ran - 1; i >= 0; i--) handlers[i]!.onResponse?.(ctx, status);
      ctx.responseMediationMs = performance.now() - started;
    };
    if (outcome) {
      responseHandlers(outcome.status);
      send(res, outcome, ctx.responseHeaders, false, ctx.meter);
      // a handler after the metering one may have read the body before answering
      if (ctx.meter) ctx.meter.requestBytes = (await ctx.bufferedBody().catch(() => null))?.length ?? 0;
      finish(
        ctx,
        ctx.req,
        ctx.clientIp,
        ctx.requestId,
        ctx.startedAt,
        outcome.status,
        null,
        null,
        outcome.error ?? null,
      );
      return;
    }
    ctx.requestMediationMs = performance.now() - ctx.startedAt;
    const buffered = await ctx.bufferedBody();
    const meter = ctx.meter;
    if (meter && buffered) meter.requestBytes = buffered.length;
    let body: BackendBody = buffered;
    if (!body && hasBody(ctx.req)) {
      inviteBody(ctx.req);
      // a metered stream goes through limitedStream, which counts the bytes that actually pass
      body =
        ctx.req.headers['content-length'] !== undefined && !meter
          ? ctx.req
          : limitedStream(ctx.req, maxBody, meter);
    }
    const result = await forward(ctx, res, compiled.backend, ctx.prefixLength, body, responseHandlers);
    if (result.error) {
      const r = errorResponse(
        result.error,
        result.error === 'INCORRECT_ACCESS_TOKEN_TYPE'
          ? `This API has no ${ctx.credential?.keyType.toLowerCase()} endpoint`
          : undefined,
      );
      responseHandlers(r.status);
      send(res, r, ctx.responseHeaders, false, ctx.meter);
      finish(ctx, ctx.req, ctx.clientIp, ctx.requestId, ctx.startedAt, r.status, null, null, r.error ?? null);
      return;
    }
    finish(
      ctx,
      ctx.req,
      ctx.clientIp,
      ctx.requestId,
      ctx.startedAt,
      result.status,
      result.targetStatus,
      result.backendLatencyMs,
      null,
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // a request pipelined behind one answered with Connection: close: the socket closes unanswered
    if (isClosing(req.socket)) return;
    const startedAt = performance.now();
    const url = req.url ?? '/';
    if ((url === '/healthz' || url.startsWith('/readyz')) && o.health(req, res)) return;
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    if (req.headers.host === undefined && req.httpVersion !== '1.0') {
      respondEarly(
        req,
        res,
        errorResponse('BAD_REQUEST', 'An HTTP/1.1 request needs a Host header'),
        requestId,
        startedAt,
        true,
      );
      return;
    }
    if (hasSeveralHosts(req.rawHeaders)) {
      respondEarly(
        req,
        res,
        errorResponse('BAD_REQUEST', 'A request carries one Host header, not several'),
        requestId,
        startedAt,
        true,
      );
      return;
    }
    const target = parseTarget(url);
    if ('error' in target) {
      respondEarly(req, res, errorResponse('BAD_REQUEST', target.error), requestId, startedAt, true);
      return;
    }
    const method = req.method ?? 'GET';
    let match = router.match(hostOf(req), method, target.segments);
    if (match.kind === 'not-found') {
      respondEarly(req, res, errorResponse('NO_MATCHING_RESOURCE'), requestId, startedAt);
      return;
    }
    if (
      match.kind === 'method-not-allowed' &&
      isPreflight(req) &&
      match.route.api.handlers.some((h) => h.name === 'cors')
    ) {
      // a CORS preflight for a resource without an OPTIONS operation: the CORS handler answers it
      match = {
        kind: 'found',
        route: match.route,
        params: {},
        operation: {
          verb: 'OPTIONS',
          target: match.route.template,
          authEnabled: false,
          scopes: [],
          throttlingPolicy: null,
          operationPolicies: null,
        },
      };
    }
    if (match.kind === 'method-not-allowed') {
      res.setHeader('allow', [...match.route.operations.keys()].join(', '));
      respondEarly(req, res, errorResponse('METHOD_NOT_ALLOWED'), requestId, startedAt);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) {
      respondEarly(req, res, errorResponse('PAYLOAD_TOO_LARGE'), requestId, startedAt, true);
      return;
    }
    const compiled = match.route.api;
    const ctx = new Context(
      req,
      requestId,
      startedAt,
      clientIpOf(req),
      method,
      target,
      compiled.api,
      match.operation,
      match.route.template,
      match.params,
      match.route.prefixLength,
      maxBody,
    );
    run(ctx, compiled, res)
      .catch((e: unknown) => {
        const r =
          e instanceof BodyError
            ? e.kind === 'too-large'
              ? errorResponse('PAYLOAD_TOO_LARGE', e.message)
              : errorResponse('BAD_REQUEST', e.message)
            : errorResponse('INTERNAL_ERROR');
        if (!(e instanceof BodyError))
          deps.logger.error({ err: e, requestId }, 'request failed in the gateway');
        send(res, r, ctx.responseHeaders, r.status === 413, ctx.meter);
        finish(ctx, req, ctx.clientIp, requestId, startedAt, r.status, null, null, r.error ?? null);
      })
      .catch(() => res.destroy());
  }

  // Nothing a request carries may take the process down: anything thrown is a 500 for this request.
  return function guarded(req, res) {
    try {
      handle(req, res);
    } catch (e) {
      deps.logger.error({ err: e }, 'request failed in the gateway');
      send(res, errorResponse('INTERNAL_ERROR'), undefined, true);
    }
  };
}

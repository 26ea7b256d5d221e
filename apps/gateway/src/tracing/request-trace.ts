import type { IncomingMessage } from 'node:http';
import { context, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { GatewayErrors } from '@apim/contracts';
import { incomingContext, spanContext, traceHeaders, type Tracing } from '@apim/service';
import type { BackendResult } from '../backend/proxy.js';
import type { ExchangeReport, Outcome, RequestContext } from '../pipeline/types.js';

/**
 * The gateway's spans of one request, made only when tracing is on (the pipeline holds a null
 * RequestTrace otherwise and branches on it): a server span for the request, continued from the
 * client's traceparent; a child per handler's request phase, under which the handler's own calls
 * (token introspection at the key manager) are made; a client span for the backend call, whose
 * traceparent the backend gets. The server span ends in the log phase (ReportStage) with what the
 * analytics event knows: API, operation, application, error code, status.
 */
export class RequestTrace {
  private readonly span: Span;
  private readonly context: Context;
  /**
   * false for a request the sampler left out: no child span is made for it (they would record
   * nothing), but its calls still carry its context, so the key manager and the backend follow the
   * decision instead of starting traces of their own
   */
  private readonly recording: boolean;

  constructor(
    private readonly tracer: Tracer,
    req: IncomingMessage,
  ) {
    const parent = incomingContext(req.headers);
    const method = req.method ?? 'GET';
    this.span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } },
      parent,
    );
    this.context = spanContext(parent, this.span, tracer);
    this.recording = this.span.isRecording();
  }

  /** The trace id, for the access log. */
  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  /** A handler's request phase in a child span; calls it makes carry that span (tracedCall). */
  phase(name: string, run: () => Outcome | Promise<Outcome>): Outcome | Promise<Outcome> {
    if (!this.recording) return context.with(this.context, run);
    const span = this.tracer.startSpan(
      `handler ${name}`,
      { attributes: { 'apim.handler': name } },
      this.context,
    );
    let outcome: Outcome | Promise<Outcome>;
    try {
      outcome = context.with(spanContext(this.context, span, this.tracer), run);
    } catch (e) {
      failed(span, e);
      throw e;
    }
    if (!(outcome instanceof Promise)) return ended(span, outcome);
    return outcome.then(
      (o) => ended(span, o),
      (e: unknown) => {
        failed(span, e);
        throw e;
      },
    );
  }

  /** The backend call in a client span, its W3C headers added to the backend request. */
  async backend<R extends BackendResult>(ctx: RequestContext, call: () => Promise<R>): Promise<R> {
    if (!this.recording) {
      propagate(ctx, traceHeaders(this.context, this.span));
      return call();
    }
    const span = this.tracer.startSpan('backend', { kind: SpanKind.CLIENT }, this.context);
    propagate(ctx, traceHeaders(this.context, span));
    try {
      const result = await call();
      if (result.kind === 'answered') {
        span.setAttribute('http.response.status_code', result.status);
        if (result.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } else {
        span.setAttribute('apim.error.code', GatewayErrors[result.error].code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
      }
      return result;
    } catch (e) {
      failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** Ends the request's span with what the exchange came to. */
  end(r: ExchangeReport): void {
    const span = this.span;
    if (!this.recording) return;
    const method = r.req.method ?? 'GET';
    span.setAttribute('http.response.status_code', r.status);
    if (r.api) {
      const { context: apiContext, version } = r.api;
      // the API's versioned route (as its gateway URL shows it) and the operation's template
      const base = apiContext.includes('{version}')
        ? apiContext.replace('{version}', version)
        : `${apiContext}/${version}`;
      const route = `${base}${r.template ?? ''}`;
      span.updateName(`${method} ${route}`);
      span.setAttributes({
        'http.route': route,
        'apim.api.id': r.api.id,
        'apim.api.name': r.api.name,
        'apim.api.version': version,
        'apim.operation': `${method} ${r.template}`,
      });
    }
    const cred = r.credential;
    if (cred?.applicationId) {
      span.setAttribute('apim.application.id', cred.applicationId);
      if (cred.application) span.setAttribute('apim.application.name', cred.application.name);
      span.setAttribute('apim.key_type', cred.keyType);
    }
    if (r.error) {
      span.setAttributes({ 'apim.error.code': GatewayErrors[r.error].code, 'apim.error.name': r.error });
      if (r.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: r.error });
    } else if (r.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttributes({ 'client.address': r.clientIp, 'apim.request_id': r.requestId });
    span.end();
  }
}

/** The backend request carries `headers`, replacing the client's traceparent and tracestate. */
function propagate(ctx: RequestContext, headers: Record<string, string>): void {
  ctx.backendHeaders.traceparent = headers.traceparent ?? null;
  ctx.backendHeaders.tracestate = headers.tracestate ?? null;
}

function ended(span: Span, outcome: Outcome): Outcome {
  if (outcome) {
    span.setAttribute('http.response.status_code', outcome.status);
    if (outcome.error) span.setAttribute('apim.error.code', GatewayErrors[outcome.error].code);
  }
  span.end();
  return outcome;
}

function failed(span: Span, e: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
  span.end();
}

/** Starts a request's trace; one per gateway, made only when tracing is on. */
export class RequestTracer {
  constructor(private readonly tracing: Tracing) {}

  start(req: IncomingMessage): RequestTrace {
    return new RequestTrace(this.tracing.tracer, req);
  }
}

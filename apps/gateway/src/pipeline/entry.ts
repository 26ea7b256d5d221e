import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayOperation } from '@apim/contracts';
import { parseTarget } from '../routing/path.js';
import type { RouteMatch, Router } from '../routing/router.js';
import type { RequestTracer } from '../tracing/request-trace.js';
import { hasSeveralHosts } from '../transport/host-header.js';
import { isWebSocketHandshake } from '../transport/upgrade.js';
import { takeBrowserCredentials } from '../websocket/browser-credentials.js';
import type { CompiledApi } from './compile.js';
import { Context, type Found } from './context.js';
import { answer } from './formatter.js';
import { answered, type Arrival, type ReportStage } from './report.js';
import { errorResponse } from './respond.js';
import type { GatewayResponse } from './types.js';

export interface EntryOptions {
  router: Router<CompiledApi>;
  /** answers /healthz and /readyz (true when it did) */
  health: (req: IncomingMessage, res: ServerResponse) => boolean;
  clientIpOf: (req: IncomingMessage) => string;
  maxBodyBytes: number;
  reports: ReportStage;
  /** null when tracing is off: then no request makes a span, a context or a header */
  tracer: RequestTracer | null;
}

interface Refused {
  refused: GatewayResponse;
  close: boolean;
}
const refused = (r: GatewayResponse, close = false): Refused => ({ refused: r, close });

function hostOf(req: IncomingMessage): string {
  const h = req.headers.host ?? '';
  const end = h.startsWith('[') ? h.indexOf(']') + 1 : h.indexOf(':');
  return (end > 0 ? h.slice(0, end) : h).toLowerCase();
}

/** The operation a handler takes on a resource that does not declare the method (a CORS preflight). */
function claimedOperation(req: IncomingMessage, template: string): GatewayOperation {
  return {
    verb: req.method as GatewayOperation['verb'],
    target: template,
    authEnabled: false,
    scopes: [],
    throttlingPolicy: null,
    operationPolicies: null,
  };
}

/**
 * The entry stage: health endpoints, the request line and Host checks, routing to an API's
 * operation, and the declared body size. Returns the request's context, or null when it was
 * answered here (and reported as matching no API, or not routed at all).
 */
export class Entry {
  constructor(private readonly o: EntryOptions) {}

  /** `requestId`: the request's id (requestIdOf), made by the caller so that its own answers carry it too */
  admit(req: IncomingMessage, res: ServerResponse, requestId: string, startedAt: number): Context | null {
    const url = req.url ?? '/';
    if ((url === '/healthz' || url.startsWith('/readyz')) && this.o.health(req, res)) return null;
    const tracer = this.o.tracer;
    const arrival: Arrival = {
      req,
      requestId,
      startedAt,
      clientIp: this.o.clientIpOf(req),
      trace: tracer ? tracer.start(req) : null,
    };
    const found = this.route(req, res, url);
    if ('refused' in found) {
      // routed requests get theirs from the formatter, with the rest of the head
      res.setHeader('x-request-id', requestId);
      answer(null, res, found.refused, found.close);
      this.o.reports.done(arrival, answered(found.refused));
      return null;
    }
    // no object spread here: V8 builds spread literals on a slow path, measurable per request
    const ctx = new Context(arrival, found, this.o.maxBodyBytes);
    const type = ctx.api.type;
    if (type === 'WS' || type === 'SSE' || (type === 'GRAPHQL' && isWebSocketHandshake(req)))
      takeBrowserCredentials(ctx);
    return ctx;
  }

  /** The operation a request is for, or why it is refused (and whether its connection must close). */
  private route(req: IncomingMessage, res: ServerResponse, url: string): Found | Refused {
    if (req.headers.host === undefined && req.httpVersion !== '1.0')
      return refused(errorResponse('BAD_REQUEST', 'An HTTP/1.1 request needs a Host header'), true);
    if (hasSeveralHosts(req.rawHeaders))
      return refused(errorResponse('BAD_REQUEST', 'A request carries one Host header, not several'), true);
    const target = parseTarget(url);
    if ('error' in target) return refused(errorResponse('BAD_REQUEST', target.error), true);
    const host = hostOf(req);
    const match = isWebSocketHandshake(req)
      ? this.channel(req, host, target.segments)
      : this.claimed(
          req,
          host,
          target.segments,
          this.o.router.match(host, req.method ?? 'GET', target.segments),
        );
    if (match.kind === 'not-found') return refused(errorResponse('NO_MATCHING_RESOURCE'));
    if (match.kind === 'method-not-allowed') {
      res.setHeader('allow', [...match.route.operations.keys()].join(', '));
      return refused(errorResponse('METHOD_NOT_ALLOWED'));
    }
    if (Number(req.headers['content-length'] ?? 0) > this.o.maxBodyBytes)
      return refused(errorResponse('PAYLOAD_TOO_LARGE'), true);
    return { match, target };
  }

  /**
   * A method the resource does not declare goes to the chain when one of its handlers answers it;
   * a GET on a Server-Sent Events API's channel opens its SUBSCRIBE operation.
   */
  private claimed(
    req: IncomingMessage,
    host: string,
    segments: readonly string[],
    match: RouteMatch<CompiledApi>,
  ): RouteMatch<CompiledApi> {
    if (match.kind !== 'method-not-allowed') return match;
    if (match.route.api.api.type === 'SSE' && (req.method === 'GET' || req.method === 'HEAD'))
      return this.o.router.match(host, 'SUBSCRIBE', segments);
    if (!match.route.api.handlers.some((h) => h.answers?.(req))) return match;
    return {
      kind: 'found',
      route: match.route,
      params: {},
      operation: claimedOperation(req, match.route.template),
    };
  }

  /**
   * A WebSocket handshake opens a channel of a WS API: its SUBSCRIBE operation, else its PUBLISH one,
   * or a GraphQL API's endpoint. Other resources take no upgrade: 405 with the methods they take.
   */
  private channel(req: IncomingMessage, host: string, segments: readonly string[]): RouteMatch<CompiledApi> {
    const subscribe = this.o.router.match(host, 'SUBSCRIBE', segments);
    const match = subscribe.kind === 'found' ? subscribe : this.o.router.match(host, 'PUBLISH', segments);
    // a GraphQL API's subscriptions (graphql-ws) open on its endpoint, which takes GET
    if (match.kind === 'method-not-allowed' && match.route.api.api.type === 'GRAPHQL')
      return this.o.router.match(host, 'GET', segments);
    if (match.kind === 'found' && match.route.api.api.type !== 'WS')
      return { kind: 'method-not-allowed', route: match.route };
    return match;
  }
}

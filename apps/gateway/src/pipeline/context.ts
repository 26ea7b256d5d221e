import type { IncomingMessage } from 'node:http';
import type { GatewayApi, GatewayOperation } from '@apim/contracts';
import { buildMessage, readBody } from '../builders/body.js';
import type { RequestTarget } from '../routing/path.js';
import type { RouteMatch } from '../routing/router.js';
import { inviteBody } from '../transport/expect-continue.js';
import type { CompiledApi } from './compile.js';
import type { Arrival } from './report.js';
import type { RequestTrace } from '../tracing/request-trace.js';
import type { RequestLocal } from './request-local.js';
import type { Credential, ParsedBody, RequestContext } from './types.js';

/** What routing found for a request: the operation of a deployed API, and the parsed target. */
export interface Found {
  match: Extract<RouteMatch<CompiledApi>, { kind: 'found' }>;
  target: RequestTarget;
}

/** Writes a streamed answer's body on its way out (an event stream, which meters its events). */
export interface EventWriter {
  /** false: write no more until the response emits 'drain' (the client is saturated, or a check waits) */
  write(chunk: Buffer): boolean;
  /** the backend's answer is over: end the response once what is held has gone out */
  end(): void;
}

/** The per-request state handed to every handler, plus what the core keeps of the exchange. */
export class Context implements RequestContext {
  readonly req: IncomingMessage;
  readonly requestId: string;
  readonly startedAt: number;
  readonly clientIp: string;
  /** the request's spans, null when tracing is off */
  readonly trace: RequestTrace | null;
  readonly method: string;
  readonly target: RequestTarget;
  readonly api: GatewayApi;
  readonly compiled: CompiledApi;
  readonly operation: GatewayOperation;
  readonly template: string;
  readonly pathParams: Record<string, string>;
  /** segments of context and version, which the backend path leaves out */
  readonly prefixLength: number;
  credential: Credential | null = null;
  readonly backendHeaders: Record<string, string | null> = {};
  readonly backendQuery: Record<string, string | null> = {};
  readonly responseHeaders: Record<string, string | null> = {};
  locals: Map<RequestLocal<unknown>, unknown> | null = null;
  /** handlers whose onRequest phase was reached: the response phases run for these */
  ran = 0;
  requestMediationMs: number | null = null;
  responseMediationMs: number | null = null;
  /** payload bytes, counted once a handler asked (countBytes) */
  countingBytes = false;
  requestBytes = 0;
  responseBytes = 0;
  /** a Server-Sent Events API's answer goes out through it; null for any other */
  events: EventWriter | null = null;
  private parsed: Promise<ParsedBody> | null = null;

  constructor(
    arrival: Arrival,
    { match, target }: Found,
    /** the largest body a request may have, buffered or streamed */
    readonly maxBodyBytes: number,
  ) {
    this.req = arrival.req;
    this.requestId = arrival.requestId;
    this.startedAt = arrival.startedAt;
    this.clientIp = arrival.clientIp;
    this.trace = arrival.trace;
    this.method = arrival.req.method ?? 'GET';
    this.target = target;
    this.compiled = match.route.api;
    this.api = match.route.api.api;
    this.operation = match.operation;
    this.template = match.route.template;
    this.pathParams = match.params;
    this.prefixLength = match.route.prefixLength;
  }

  body(): Promise<ParsedBody> {
    if (!this.parsed) {
      inviteBody(this.req);
      this.parsed = readBody(this.req, this.maxBodyBytes).then((raw) =>
        buildMessage(this.req.headers['content-type'], raw),
      );
    }
    return this.parsed;
  }

  countBytes(): void {
    this.countingBytes = true;
  }

  /**
   * The buffered body if a handler read it, to forward instead of the (consumed) stream; null at
   * once (no promise) when none did, as for most requests.
   */
  bufferedBody(): Promise<Buffer> | null {
    return this.parsed ? this.parsed.then((p) => p.raw) : null;
  }
}

import type { IncomingMessage } from 'node:http';
import type {
  GatewayApi,
  GatewayApplication,
  GatewayErrorName,
  GatewayOperation,
  KeyType,
} from '@apim/contracts';
import type { RequestTarget } from '../routing/path.js';
import type { RequestTrace } from '../tracing/request-trace.js';

/** A response made by the gateway itself (an error, a preflight, a throttle). */
export interface GatewayResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body: string | Buffer;
  /** the registry name when this is an error, for analytics and metrics */
  error?: GatewayErrorName;
}

/** What a handler returns: undefined to continue, or the response that ends the request. */
export type Outcome = GatewayResponse | undefined;

/** Who is calling, once authentication has run. */
export interface Credential {
  kind: 'oauth2' | 'apiKey' | 'basic' | 'mutualssl';
  /** the OAuth client id (consumer key), when the credential is a token */
  consumerKey: string | null;
  applicationId: string | null;
  application: GatewayApplication | null;
  keyType: KeyType;
  /** end user (or application owner for client-credentials tokens) */
  username: string | null;
  scopes: ReadonlySet<string>;
  claims: Record<string, unknown>;
  /** local claims an external key manager's claim mappings give the token, for the backend JWT */
  mappedClaims?: Record<string, unknown>;
  /** the API client certificate of a `mutualssl` caller: its tier throttles it as a subscription tier would (WSO2) */
  clientCertificate?: { alias: string; fingerprint: string; tier: string };
}

/** The request as handlers see it: a narrow view, never the socket. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly requestId: string;
  readonly startedAt: number;
  readonly clientIp: string;
  readonly method: string;
  readonly target: RequestTarget;
  readonly api: GatewayApi;
  readonly operation: GatewayOperation;
  readonly template: string;
  readonly pathParams: Record<string, string>;
  credential: Credential | null;
  /** headers added to (or, with null, removed from) the backend request */
  readonly backendHeaders: Record<string, string | null>;
  /** query parameters added to (or, with null, removed from) the backend request */
  readonly backendQuery: Record<string, string | null>;
  /** headers added to (or, with null, removed from) the response, whoever makes it */
  readonly responseHeaders: Record<string, string | null>;
  /** the request body, read and parsed on first use (only for handlers that declared needsBody) */
  body(): Promise<ParsedBody>;
  /**
   * Asks for this exchange's payload byte counts in the report (bandwidth quotas): a streamed request
   * body then goes through a counting stream, which most requests need not pay for.
   */
  countBytes(): void;
}

/** A response's status line and headers, as the response phase sees them before they are sent. */
export interface ResponseHead {
  readonly status: number;
  /** who made it: the backend, or the gateway (a handler's outcome, an error) */
  readonly source: 'backend' | 'gateway';
  /** its end-to-end headers, before ctx.responseHeaders apply (built on first call) */
  headers(): Readonly<Record<string, string | string[]>>;
}

/** What the log phase learns of one exchange, however it ended. */
export interface ExchangeReport {
  readonly req: IncomingMessage;
  readonly requestId: string;
  readonly clientIp: string;
  /** null for a request refused before it matched an API */
  readonly api: GatewayApi | null;
  readonly template: string | null;
  readonly credential: Credential | null;
  readonly status: number;
  /** the backend's status, null when it did not answer */
  readonly targetStatus: number | null;
  readonly backendLatencyMs: number | null;
  readonly error: GatewayErrorName | null;
  /** time spent before the backend call (WSO2's request mediation latency) */
  readonly requestMediationMs: number | null;
  /** time the response-headers phase took (WSO2's response mediation latency) */
  readonly responseMediationMs: number | null;
  readonly totalMs: number;
  /** payload bytes that went through, counted only when a handler called ctx.countBytes() */
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** the backend's whole answer reached the client (not a gateway answer, a failed or cut exchange) */
  readonly completed: boolean;
  /** messages of a WebSocket connection or events of a stream that went through, each way; null for other exchanges */
  readonly messages: { readonly in: number; readonly out: number } | null;
  /** the request's spans, when tracing is on (its server span ended by the log phase) */
  readonly trace: RequestTrace | null;
}

export type ParsedBody =
  | { kind: 'json'; raw: Buffer; value: unknown }
  | { kind: 'xml'; raw: Buffer; value: unknown }
  | { kind: 'form'; raw: Buffer; value: Record<string, string | string[]> }
  | { kind: 'text'; raw: Buffer; value: string }
  | { kind: 'bytes'; raw: Buffer }
  | { kind: 'empty'; raw: Buffer };

/**
 * One step of an API's chain, with a method per phase of a request's life (Kong's access,
 * header_filter, body_filter and log phases). Every phase is optional. A request meets the handlers
 * in order in `onRequest` until one answers; the backend call is the stage after the last one.
 * The response phases run for the handlers whose `onRequest` phase was reached, in reverse order,
 * whoever made the answer; `onDone` runs once the exchange is over, however it ended.
 * Per-request state a handler keeps between phases goes in a RequestLocal.
 */
export interface Handler {
  readonly name: string;
  /** the handler reads the request body, so it must be buffered for this API */
  readonly needsBody?: boolean;
  /**
   * Requests this handler answers on any resource of the API, whatever methods the resource
   * declares (a CORS preflight): routing hands them to the chain instead of answering 405.
   */
  answers?(req: IncomingMessage): boolean;
  /** may answer the request (the chain stops there) or prepare the backend request */
  onRequest?(ctx: RequestContext): Outcome | Promise<Outcome>;
  /** before the head is sent: may add or remove response headers (ctx.responseHeaders) */
  onResponseHeaders?(ctx: RequestContext, head: ResponseHead): void;
  /**
   * Each body chunk on its way to the client: observe it, or return the bytes to send instead (a
   * handler that changes the length also removes content-length in onResponseHeaders).
   */
  onResponseData?(ctx: RequestContext, chunk: Buffer): Buffer | void;
  /**
   * Each message of a long-lived exchange once its request phase admitted it: a WebSocket message
   * either way, or a Server-Sent Event on its way to the client (message quotas). An outcome ends
   * the connection (its `error` names why: a WebSocket close code, or the end of the event stream);
   * a reply is sent back to the message's sender instead of relaying it.
   */
  onMessage?(ctx: RequestContext, message: StreamMessage): MessageVerdict | Promise<MessageVerdict>;
  /**
   * An open connection checked again after access changed on this node (a token revoked, a
   * subscription or application removed or blocked): an outcome ends it.
   */
  onRecheck?(ctx: RequestContext): Outcome;
  /** the log phase: the exchange is over (bandwidth charges, cache stores, counters) */
  onDone?(ctx: RequestContext, report: ExchangeReport): void;
}

/**
 * What the message phase makes of one message: relayed (undefined), the connection ended (an
 * outcome), or a reply: the message is not relayed, the reply goes back to its sender and the
 * connection stays open (a GraphQL subscribe refused with a graphql-ws `error` for its id).
 */
export type MessageVerdict = Outcome | { reply: string };

/** One message of a WebSocket connection, or one event of a Server-Sent Events stream. */
export interface StreamMessage {
  /** `in`: from the client to the backend; `out`: from the backend to the client */
  readonly direction: 'in' | 'out';
  readonly data: Buffer;
  /** a binary WebSocket message (text otherwise, and always for an event) */
  readonly binary: boolean;
}

/** A gateway-wide stage of the log phase (analytics, metrics): sees every request, routed or not. */
export interface Reporter {
  onDone(report: ExchangeReport): void;
}

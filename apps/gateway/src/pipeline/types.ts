import type { IncomingMessage } from 'node:http';
import type {
  GatewayApi,
  GatewayApplication,
  GatewayErrorName,
  GatewayOperation,
  KeyType,
} from '@apim/contracts';
import type { RequestTarget } from '../routing/path.js';

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
  /** milliseconds spent before the backend call (request mediation) */
  requestMediationMs: number | null;
  /** milliseconds the response handlers took (response mediation) */
  responseMediationMs: number | null;
  /** set by a handler that needs this exchange's byte counts (bandwidth quotas); null for most */
  meter: ExchangeMeter | null;
  /** set by a handler that keeps the backend's answer (response caching); null for most */
  recorder: ExchangeRecorder | null;
}

/**
 * Watches one backend exchange as it is relayed: the status and end-to-end headers, each body chunk,
 * and `end` once the whole body went through (never called when the exchange failed or was cut).
 */
export interface ExchangeRecorder {
  start(status: number, headers: Record<string, string | string[]>): void;
  data(chunk: Buffer): void;
  end(): void;
}

/**
 * The payload bytes of one exchange, counted only when a handler asked for them: the pipeline adds
 * the request body bytes it received and the response body bytes it sent (an aborted exchange counts
 * what went through), then calls `done` once when the exchange is over, however it ended.
 */
export interface ExchangeMeter {
  requestBytes: number;
  responseBytes: number;
  done(): void;
}

export type ParsedBody =
  | { kind: 'json'; raw: Buffer; value: unknown }
  | { kind: 'xml'; raw: Buffer; value: unknown }
  | { kind: 'form'; raw: Buffer; value: Record<string, string | string[]> }
  | { kind: 'text'; raw: Buffer; value: string }
  | { kind: 'bytes'; raw: Buffer }
  | { kind: 'empty'; raw: Buffer };

export interface Handler {
  readonly name: string;
  /** the handler reads the request body, so it must be buffered for this API */
  readonly needsBody?: boolean;
  onRequest(ctx: RequestContext): Outcome | Promise<Outcome>;
  /** runs after the backend (or a handler) answered, in reverse handler order */
  onResponse?(ctx: RequestContext, status: number): void;
}

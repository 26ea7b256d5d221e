import type { IncomingMessage } from 'node:http';
import type { GatewayApi, GatewayOperation } from '@apim/contracts';
import { buildMessage, readBody } from '../builders/body.js';
import type { RequestTarget } from '../routing/path.js';
import { inviteBody } from '../transport/expect-continue.js';
import type { Credential, ExchangeMeter, ExchangeRecorder, ParsedBody, RequestContext } from './types.js';

/** The per-request state handed to every handler. */
export class Context implements RequestContext {
  credential: Credential | null = null;
  readonly backendHeaders: Record<string, string | null> = {};
  readonly backendQuery: Record<string, string | null> = {};
  readonly responseHeaders: Record<string, string | null> = {};
  requestMediationMs: number | null = null;
  responseMediationMs: number | null = null;
  meter: ExchangeMeter | null = null;
  recorder: ExchangeRecorder | null = null;
  private parsed: Promise<ParsedBody> | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly requestId: string,
    readonly startedAt: number,
    readonly clientIp: string,
    readonly method: string,
    readonly target: RequestTarget,
    readonly api: GatewayApi,
    readonly operation: GatewayOperation,
    readonly template: string,
    readonly pathParams: Record<string, string>,
    /** segments of context and version, which the backend path leaves out */
    readonly prefixLength: number,
    private readonly maxBodyBytes: number,
  ) {}

  body(): Promise<ParsedBody> {
    if (!this.parsed) {
      inviteBody(this.req);
      this.parsed = readBody(this.req, this.maxBodyBytes).then((raw) =>
        buildMessage(this.req.headers['content-type'], raw),
      );
    }
    return this.parsed;
  }

  /** The buffered body if a handler read it, to forward instead of the (consumed) stream. */
  async bufferedBody(): Promise<Buffer | null> {
    return this.parsed ? (await this.parsed).raw : null;
  }
}

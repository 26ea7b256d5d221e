import type { IncomingHttpHeaders } from 'node:http';
import { edited, NO_EDITS, type Edits, type OutgoingHead } from '../pipeline/formatter.js';
import type { RequestContext } from '../pipeline/types.js';
import { peerAddress } from '../transport/client-address.js';

/** Hop-by-hop headers (RFC 9110 7.6.1) and ones the gateway sets itself. */
const REQUEST_DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
  'content-length',
]);
const RESPONSE_DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'trailer',
]);

const NONE: ReadonlySet<string> = new Set();

/** Header names listed in Connection (hop-by-hop by declaration); the usual values name none. */
function connectionTokens(h: IncomingHttpHeaders): ReadonlySet<string> {
  const c = h.connection;
  if (typeof c !== 'string') return NONE;
  const lower = c.toLowerCase();
  if (lower === 'keep-alive' || lower === 'close') return NONE;
  return new Set(lower.split(',').map((s) => s.trim()));
}

/** The request headers the backend gets: the client's end-to-end ones, the handlers' edits, forwarding. */
export function backendHeaders(
  ctx: RequestContext,
  host: string,
  bodyLength: number | null,
): Record<string, string | string[]> {
  const src = ctx.req.headers;
  const edits = ctx.backendHeaders;
  const named = connectionTokens(src);
  const out: Record<string, string | string[]> = {};
  // a header a handler removes (the credential, as a rule) is left out rather than deleted after:
  // a delete turns the object into a hash table, slower for everything that reads it after
  for (const k in src) {
    const v = src[k];
    if (v === undefined || REQUEST_DROP.has(k) || named.has(k) || edits[k] === null) continue;
    out[k] = v;
  }
  for (const k in edits) {
    const v = edits[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  // as every proxy does, the gateway appends whoever connected to it: the client, or the trusted
  // proxy whose chain named the client (appending the client again would hide that proxy)
  const prior = src['x-forwarded-for'];
  const peer = peerAddress(ctx.req.socket);
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${peer}` : peer;
  out['x-forwarded-host'] = src.host ?? '';
  out['x-forwarded-proto'] = (ctx.req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  out['x-request-id'] = ctx.requestId;
  out.host = host;
  if (bodyLength !== null) out['content-length'] = String(bodyLength);
  else if (src['content-length'] !== undefined) out['content-length'] = src['content-length'];
  return out;
}

/** Whether a backend response header reaches the client: hop-by-hop ones do not. */
const relayed = (name: string, named: ReadonlySet<string>) => !RESPONSE_DROP.has(name) && !named.has(name);

/** The backend's response head as the client gets it; the header object is built only if asked for. */
export class BackendHead implements OutgoingHead {
  readonly source = 'backend';
  private endToEnd: Record<string, string | string[]> | null = null;

  constructor(
    readonly status: number,
    private readonly raw: IncomingHttpHeaders,
  ) {}

  headers(): Readonly<Record<string, string | string[]>> {
    if (this.endToEnd) return this.endToEnd;
    const out: Record<string, string | string[]> = {};
    this.copyHeaders(out, NO_EDITS);
    return (this.endToEnd = out);
  }

  copyHeaders(out: Record<string, string | string[]>, edits: Edits): void {
    const named = connectionTokens(this.raw);
    for (const k in this.raw) {
      const v = this.raw[k];
      if (v !== undefined && relayed(k, named) && !edited(edits, k)) out[k] = v;
    }
  }
}

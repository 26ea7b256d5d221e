import { API_DEFAULTS } from '@apim/rest-contract';
import type { Context } from '../pipeline/context.js';

/** Sec-WebSocket-Protocol markers followed by an access token (WSO2's Choreo names its own), or by an API key. */
const TOKEN_MARKERS = new Set(['access_token', 'choreo-oauth2-token']);
const API_KEY_MARKER = 'apikey';

/** A credential a browser sent where it can, and the subprotocols it offers besides. */
export interface OfferedProtocols {
  credential: { kind: 'token' | 'apiKey'; marker: string; value: string } | null;
  /** the subprotocols for the backend to choose from, in the client's order */
  protocols: string[];
}

/** The client's Sec-WebSocket-Protocol list, with a credential pair (marker, value) taken out. */
export function offeredProtocols(header: string | undefined): OfferedProtocols {
  const all = (header ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const at = all.findIndex((p) => TOKEN_MARKERS.has(p) || p === API_KEY_MARKER);
  if (at < 0 || at + 1 >= all.length) return { credential: null, protocols: all };
  const marker = all[at]!;
  return {
    credential: { kind: marker === API_KEY_MARKER ? 'apiKey' : 'token', marker, value: all[at + 1]! },
    protocols: [...all.slice(0, at), ...all.slice(at + 2)],
  };
}

/**
 * Browsers can set no header on a WebSocket handshake or an EventSource request, so, as WSO2 and
 * Kong accept them, an access token may come in the `access_token` query parameter, an API key in
 * `apikey`, or either in Sec-WebSocket-Protocol as a pair of protocols: a marker (`access_token` or
 * `choreo-oauth2-token`; `apikey`) followed by the credential. It is put in the header the API's
 * authentication reads, unless the client set that header (a header wins), and the query parameter
 * is kept from the backend. Runs before the chain, on WebSocket handshakes and event streams only.
 */
export function takeBrowserCredentials(ctx: Context): void {
  const headers = ctx.req.headers;
  const authorization = (ctx.api.authorizationHeader || API_DEFAULTS.authorizationHeader).toLowerCase();
  const apiKeyHeader = (ctx.api.apiKeyHeader || API_DEFAULTS.apiKeyHeader).toLowerCase();
  const query = ctx.target.query ? new URLSearchParams(ctx.target.query.slice(1)) : null;
  const token = query?.get('access_token');
  const apiKey = query?.get('apikey');
  if (token !== null && token !== undefined) ctx.backendQuery.access_token = null;
  if (apiKey !== null && apiKey !== undefined) ctx.backendQuery.apikey = null;
  const offered = offeredProtocols(headers['sec-websocket-protocol']);
  const fromProtocol = offered.credential;
  const bearer = token ?? (fromProtocol?.kind === 'token' ? fromProtocol.value : undefined);
  const key = apiKey ?? (fromProtocol?.kind === 'apiKey' ? fromProtocol.value : undefined);
  if (bearer && headers[authorization] === undefined) headers[authorization] = `Bearer ${bearer}`;
  if (key && headers[apiKeyHeader] === undefined) headers[apiKeyHeader] = key;
}

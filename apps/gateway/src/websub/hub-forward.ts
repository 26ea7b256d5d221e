import { Pool } from 'undici';
import { API_DEFAULTS } from '@apim/rest-contract';
import { backendBody } from '../backend/request-body.js';
import { ExchangeHandler, type Exchange } from '../backend/exchange.js';
import type { BackendStage } from '../pipeline/chain.js';
import type { Context } from '../pipeline/context.js';

/** the hub answers at once (it verifies intent later, in a job) */
const HUB_TIMEOUT_MS = 10_000;

/** The request headers the hub reads: the form, and the caller's credential it checks again. */
function hubHeaders(ctx: Context, length: number | null): Record<string, string> {
  const h = ctx.req.headers;
  const headers: Record<string, string> = { 'x-request-id': ctx.requestId };
  if (h['content-type']) headers['content-type'] = h['content-type'];
  // the API may name its own authorization header; the hub reads the standard one
  const credential = h[(ctx.api.authorizationHeader || API_DEFAULTS.authorizationHeader).toLowerCase()];
  if (typeof credential === 'string') headers.authorization = credential;
  if (length !== null) headers['content-length'] = String(length);
  else if (h['content-length']) headers['content-length'] = h['content-length'];
  return headers;
}

export interface HubForwarding {
  stage: BackendStage;
  close(): Promise<void>;
}

/**
 * The backend stage of WebSub APIs: a subscriber's hub request (hub.mode, hub.topic, hub.callback
 * ... as a form) sent to the API's gateway URL is, once the chain admitted it (authentication,
 * subscription, throttling), forwarded to the control plane's hub (`/websub/{apiId}`) with the
 * caller's Authorization, and the hub's answer relayed through the formatter. The hub stays the one
 * place subscriptions live: it checks the token again, verifies intent at the callback and delivers.
 */
export function hubForwarding(controlPlaneUrl: string): HubForwarding {
  const hub = new Pool(controlPlaneUrl, { connections: 8 });
  const stage: BackendStage = async (ctx, res) => {
    const pending = backendBody(ctx);
    const body = pending instanceof Promise ? await pending : pending;
    const outcome = await new Promise<Exchange>((resolve) =>
      hub.dispatch(
        {
          path: `/websub/${encodeURIComponent(ctx.api.id)}`,
          method: 'POST',
          headers: hubHeaders(ctx, Buffer.isBuffer(body) ? body.length : null),
          body: body ?? undefined,
          headersTimeout: HUB_TIMEOUT_MS,
          bodyTimeout: HUB_TIMEOUT_MS,
        },
        new ExchangeHandler(ctx, res, resolve),
      ),
    );
    if (outcome.kind === 'answered') return outcome;
    const code = (outcome.error as { code?: string }).code ?? '';
    return { kind: 'error', error: code.includes('TIMEOUT') ? 'BACKEND_TIMEOUT' : 'BACKEND_UNREACHABLE' };
  };
  return { stage, close: () => hub.close() };
}

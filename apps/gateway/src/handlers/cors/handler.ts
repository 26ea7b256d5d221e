import type { IncomingMessage } from 'node:http';
import type { CorsConfig, GatewayApi } from '@apim/contracts';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import type { Handler, RequestContext, ResponseHead } from '../../pipeline/types.js';
import { originPolicy } from './origins.js';
import { schema } from './schema.js';

const DEFAULT_MAX_AGE = 600;

const isPreflight = (req: IncomingMessage) =>
  req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;

/** Every Access-Control-* header of the backend's answer is left out (edits the handlers made stay). */
function removeBackendCors(ctx: RequestContext, head: ResponseHead): void {
  if (head.source !== 'backend') return;
  for (const name in head.headers())
    if (name.startsWith('access-control-') && ctx.responseHeaders[name] === undefined)
      ctx.responseHeaders[name] = null;
}

/**
 * The headers a preflight allows: the configuration's, plus the API's own authorization and API key
 * headers when it renamed them (as WSO2 adds them), so a browser may send the credential it needs.
 */
function allowedHeaders(config: CorsConfig, api: GatewayApi): string {
  const headers = [...config.accessControlAllowHeaders];
  const known = new Set(headers.map((h) => h.toLowerCase()));
  for (const h of [api.authorizationHeader, api.apiKeyHeader])
    if (h && !known.has(h.toLowerCase())) {
      known.add(h.toLowerCase());
      headers.push(h);
    }
  return headers.join(', ');
}

interface Services {
  /** the environment's configuration (APIM_CORS_*), or null when turned off */
  defaults: CorsConfig | null;
}

/**
 * CORS as WSO2 does it: preflights are answered at the gateway (never reaching the backend or the
 * authentication handler), and actual responses carry Access-Control-Allow-Origin for allowed
 * origins (listed, or matched as Istio's corsPolicy matches them), whoever made them. With
 * `removeBackendCorsHeaders` (a Kyma APIRule: its corsPolicy alone speaks, or nothing when it has
 * none) the backend's own Access-Control-* headers never reach the client. An API without a CORS
 * configuration of its own (CORS off on the API, an APIRule without corsPolicy) is served with the
 * environment's, as WSO2's `[apim.cors]` serves it, unless that is turned off too.
 */
export const cors: HandlerModule<CorsConfig, Services> = {
  name: 'cors',
  schema,
  init: (shared) => ({ defaults: shared.config.cors }),
  configOf(api, { defaults }) {
    const own = api.corsConfig;
    if (own?.corsConfigurationEnabled) return own;
    if (defaults)
      return own?.removeBackendCorsHeaders ? { ...defaults, removeBackendCorsHeaders: true } : defaults;
    return own?.removeBackendCorsHeaders ? own : null;
  },
  create(config, _services, api) {
    const strip = config.removeBackendCorsHeaders === true;
    if (!config.corsConfigurationEnabled) return { name: 'cors', onResponseHeaders: removeBackendCors };
    const allowOrigin = originPolicy(config);
    const maxAge = String(config.accessControlMaxAge ?? DEFAULT_MAX_AGE);
    const allowHeaders = allowedHeaders(config, api);
    const common = (ctx: RequestContext, origin: string) => {
      ctx.responseHeaders['access-control-allow-origin'] = origin;
      if (origin !== '*') ctx.responseHeaders.vary = 'Origin';
      if (config.accessControlAllowCredentials)
        ctx.responseHeaders['access-control-allow-credentials'] = 'true';
    };
    const handler: Handler = {
      name: 'cors',
      answers: isPreflight,
      onRequest(ctx) {
        if (!isPreflight(ctx.req)) return undefined;
        const origin = allowOrigin(ctx.req.headers.origin);
        const headers: Record<string, string> = {};
        if (origin) {
          common(ctx, origin);
          headers['access-control-allow-methods'] = config.accessControlAllowMethods.join(', ');
          headers['access-control-allow-headers'] = allowHeaders;
          headers['access-control-max-age'] = maxAge;
        }
        return { status: 204, headers, body: '' };
      },
      onResponseHeaders(ctx, head) {
        if (strip) removeBackendCors(ctx, head);
        const origin = allowOrigin(ctx.req.headers.origin);
        if (!origin || ctx.responseHeaders['access-control-allow-origin']) return;
        common(ctx, origin);
        if (config.accessControlExposeHeaders?.length)
          ctx.responseHeaders['access-control-expose-headers'] = config.accessControlExposeHeaders.join(', ');
      },
    };
    return handler;
  },
};

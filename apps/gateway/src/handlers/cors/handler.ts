import type { IncomingMessage } from 'node:http';
import type { CorsConfig } from '@apim/contracts';
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
 * CORS as WSO2 does it: preflights are answered at the gateway (never reaching the backend or the
 * authentication handler), and actual responses carry Access-Control-Allow-Origin for allowed
 * origins (listed, or matched as Istio's corsPolicy matches them), whoever made them. With
 * `removeBackendCorsHeaders` (a Kyma APIRule: its corsPolicy alone speaks, or nothing when it has
 * none) the backend's own Access-Control-* headers never reach the client.
 */
export const cors: HandlerModule<CorsConfig> = {
  name: 'cors',
  schema,
  configOf: (api) =>
    api.corsConfig?.corsConfigurationEnabled || api.corsConfig?.removeBackendCorsHeaders
      ? api.corsConfig
      : null,
  create(config) {
    const strip = config.removeBackendCorsHeaders === true;
    if (!config.corsConfigurationEnabled) return { name: 'cors', onResponseHeaders: removeBackendCors };
    const allowOrigin = originPolicy(config);
    const maxAge = String(config.accessControlMaxAge ?? DEFAULT_MAX_AGE);
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
          headers['access-control-allow-headers'] = config.accessControlAllowHeaders.join(', ');
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

import type { IncomingMessage } from 'node:http';
import type { CorsConfig } from '@apim/contracts';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import type { RequestContext } from '../../pipeline/types.js';
import { schema } from './schema.js';

const PREFLIGHT_MAX_AGE = '600';

const isPreflight = (req: IncomingMessage) =>
  req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;

/**
 * CORS as WSO2 does it: preflights are answered at the gateway (never reaching the backend or the
 * authentication handler), and actual responses carry Access-Control-Allow-Origin for allowed
 * origins, whoever made them (backend or gateway error).
 */
export const cors: HandlerModule<CorsConfig> = {
  name: 'cors',
  schema,
  configOf: (api) => (api.corsConfig?.corsConfigurationEnabled ? api.corsConfig : null),
  create(config) {
    const anyOrigin = config.accessControlAllowOrigins.includes('*');
    const origins = new Set(config.accessControlAllowOrigins);
    const allowOrigin = (origin: string | undefined): string | null => {
      if (!origin) return null;
      if (origins.has(origin)) return origin;
      // with credentials the origin must be echoed, never '*'
      if (anyOrigin) return config.accessControlAllowCredentials ? origin : '*';
      return null;
    };
    const common = (ctx: RequestContext, origin: string) => {
      ctx.responseHeaders['access-control-allow-origin'] = origin;
      if (origin !== '*') ctx.responseHeaders.vary = 'Origin';
      if (config.accessControlAllowCredentials)
        ctx.responseHeaders['access-control-allow-credentials'] = 'true';
    };
    return {
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
          headers['access-control-max-age'] = PREFLIGHT_MAX_AGE;
        }
        return { status: 204, headers, body: '' };
      },
      onResponseHeaders(ctx) {
        const origin = allowOrigin(ctx.req.headers.origin);
        if (!origin || ctx.responseHeaders['access-control-allow-origin']) return;
        common(ctx, origin);
        if (config.accessControlExposeHeaders?.length)
          ctx.responseHeaders['access-control-expose-headers'] = config.accessControlExposeHeaders.join(', ');
      },
    };
  },
};

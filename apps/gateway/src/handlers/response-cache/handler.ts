import { API_DEFAULTS } from '@apim/rest-contract';
import type { GatewayConfig } from '../../config.js';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import { RequestLocal } from '../../pipeline/request-local.js';
import type { RequestContext } from '../../pipeline/types.js';
import { AnswerCache, AnswerRecording } from './cache.js';
import { schema, type ResponseCacheConfig } from './schema.js';

/**
 * The key of an answer: the request target (path and query) and who asks: the key type (production
 * and sandbox endpoints differ), the application or client certificate and the end user, so that no
 * caller is served another's answer (as Kong's proxy-cache keys by consumer), plus the request
 * headers an answer may vary by.
 */
function keyOf(ctx: RequestContext): string {
  const c = ctx.credential;
  const h = ctx.req.headers;
  return [
    ctx.req.url,
    c?.keyType ?? '',
    c?.applicationId ?? c?.clientCertificate?.fingerprint ?? '',
    c?.username ?? '',
    h.accept ?? '',
    h['accept-encoding'] ?? '',
  ].join('\n');
}

/**
 * WSO2's response caching: a successful GET answer is kept for the API's cache timeout and served
 * to the same caller's identical requests (GET or HEAD) without calling the backend. It runs after
 * authentication, subscription and throttling, so a cached answer is still authorised and counted;
 * the backend's `Cache-Control: no-store, no-cache, private`, a `Set-Cookie` or a `Vary` beyond
 * Accept and Accept-Encoding keep an answer out, and so does a rule's jwt or extAuth access (its
 * callers are not applications, so the key cannot keep them apart). `X-Cache-Status` says Hit or Miss, `Age` how old a
 * hit is.
 */
/** a GET that missed: its answer, recorded on its way to the client */
const recordingOf = new RequestLocal<AnswerRecording>();

export const responseCache: HandlerModule<ResponseCacheConfig, GatewayConfig['responseCache']> = {
  name: 'response-cache',
  schema,
  init: ({ config }) => config.responseCache,
  configOf: (api, limits) =>
    api.responseCachingEnabled
      ? {
          timeoutSeconds: api.cacheTimeout ?? API_DEFAULTS.cacheTimeout,
          maxBytes: limits.maxBytes,
          maxEntryBytes: limits.maxEntryBytes,
        }
      : null,
  create(config) {
    const cache = new AnswerCache(config.maxBytes);
    const ttlMs = config.timeoutSeconds * 1000;
    return {
      name: 'response-cache',
      onRequest(ctx) {
        const method = ctx.req.method;
        if (method !== 'GET' && method !== 'HEAD') return undefined;
        // a rule's jwt or extAuth caller is no application: the key could not tell callers apart
        const rule = ctx.operation.rule;
        if (rule && rule.access.strategy !== 'noAuth') return undefined;
        const key = keyOf(ctx);
        const now = Date.now();
        const hit = cache.get(key, now);
        if (hit) {
          ctx.responseHeaders['x-cache-status'] = 'Hit';
          return {
            status: hit.status,
            headers: { ...hit.headers, age: String(Math.floor((now - hit.storedAt) / 1000)) },
            body: hit.body,
          };
        }
        ctx.responseHeaders['x-cache-status'] = 'Miss';
        if (method === 'GET')
          recordingOf.set(ctx, new AnswerRecording(cache, key, ttlMs, config.maxEntryBytes));
        return undefined;
      },
      onResponseHeaders(ctx, head) {
        if (head.source === 'backend') recordingOf.get(ctx)?.start(head.status, head.headers());
      },
      onResponseData(ctx, chunk) {
        recordingOf.get(ctx)?.data(chunk);
      },
      onDone(ctx, report) {
        if (report.completed) recordingOf.get(ctx)?.end();
      },
    };
  },
};

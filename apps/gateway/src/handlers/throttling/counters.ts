/**
 * What other handlers need to charge the throttling handler's quotas (GraphQL charges a query's
 * complexity to the subscription quota): the shared counters' names and a refusal's headers.
 */
import type { Verdict } from './shared-counter.js';

/** The subscription quota's counter of an application, or of a client certificate, on an API. */
export const quotaCounter = {
  application: (applicationId: string, apiId: string) => `sub:${applicationId}:${apiId}`,
  certificate: (fingerprint: string, apiId: string) => `sub:cert:${fingerprint}:${apiId}`,
};

/** Retry-After and the RateLimit headers of a throttled request. */
export function refusalHeaders(v: Verdict): Record<string, string> {
  const reset = String(Math.max(1, Math.ceil(v.resetMs / 1000)));
  return {
    'retry-after': reset,
    'ratelimit-limit': String(v.limit),
    'ratelimit-remaining': '0',
    'ratelimit-reset': reset,
  };
}

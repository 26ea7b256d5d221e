/**
 * The caller's subscription tier as GraphQL meets it: its depth and complexity limits, and its
 * request-count quota, which a query's complexity is charged to (a query of complexity 20 costs 20
 * requests), and the per-field advanced tiers.
 */
import type { GatewayLimit, GatewayPolicy } from '@apim/contracts';
import type { Credential } from '../../pipeline/types.js';
import { policyKey, subscriptionKey, type GatewayState } from '../../store/state.js';
import type { Verdict } from '../throttling/shared-counter.js';
import type { Throttler } from '../throttling/throttler.js';

export interface CallerTier {
  policy: GatewayPolicy;
  /** the quota counter the throttling handler counts this caller's requests on */
  quotaKey: string;
}

/** The subscription tier throttling this caller (a client certificate's tier for `mutualssl`), if any. */
export function callerTier(state: GatewayState, apiId: string, cred: Credential | null): CallerTier | null {
  if (!cred) return null;
  const cert = cred.clientCertificate;
  const tier = cert
    ? cert.tier
    : cred.applicationId
      ? state.subscriptions.get(subscriptionKey(cred.applicationId, apiId))?.throttlingPolicy
      : undefined;
  const policy = tier ? state.policies.get(policyKey('SUBSCRIPTION', tier)) : undefined;
  if (!policy) return null;
  // the throttling handler's counter names: both count on the same shared counter
  const quotaKey = cert ? `sub:cert:${cert.fingerprint}:${apiId}` : `sub:${cred.applicationId}:${apiId}`;
  return { policy, quotaKey };
}

/**
 * Takes `units` from a request-count limit's counter, one by one (a node admits most of them from
 * what it reserved in Redis, without a round trip). Answers the refusing verdict, or null when all
 * were admitted or the limit counts nothing.
 */
export async function take(
  throttler: Throttler,
  key: string,
  limit: GatewayLimit,
  units: number,
): Promise<Verdict | null> {
  if (limit.quotaType !== 'REQUESTCOUNT') return null;
  for (let i = 0; i < units; i++) {
    let v = throttler.check(key, limit);
    if (v instanceof Promise) v = await v;
    if (!v) return null;
    if (!v.allowed) return v;
  }
  return null;
}

/** the RateLimit headers of a refusal */
export function retryHeaders(v: Verdict): Record<string, string> {
  const reset = String(Math.max(1, Math.ceil(v.resetMs / 1000)));
  return {
    'retry-after': reset,
    'ratelimit-limit': String(v.limit),
    'ratelimit-remaining': '0',
    'ratelimit-reset': reset,
  };
}

/**
 * The caller's subscription tier as GraphQL meets it: its depth and complexity limits, and its
 * request-count quota, which a query's complexity is charged to (a query of complexity 20 costs 20
 * requests), and the per-field advanced tiers.
 */
import type { GatewayLimit, GatewayPolicy } from '@apim/contracts';
import type { Credential } from '../../pipeline/types.js';
import { policyKey, subscriptionKey, type GatewayState } from '../../store/state.js';
import { quotaCounter } from '../throttling/counters.js';
import type { Verdict } from '../throttling/shared-counter.js';
import type { Throttler } from '../throttling/throttler.js';

export interface CallerTier {
  policy: GatewayPolicy;
  /** the quota counter the throttling handler counts this caller's requests on */
  quotaKey: string;
}

/** The subscription tier throttling this caller (a client certificate's tier for `mutualssl`), if any. */
export function callerTier(state: GatewayState, apiId: string, cred: Credential | null): CallerTier | null {
  const cert = cred?.clientCertificate;
  const appId = cred?.applicationId;
  // the throttling handler's quota counter: both count on it
  const caller = cert
    ? { tier: cert.tier, quotaKey: quotaCounter.certificate(cert.fingerprint, apiId) }
    : appId
      ? {
          tier: state.subscriptions.get(subscriptionKey(appId, apiId))?.throttlingPolicy,
          quotaKey: quotaCounter.application(appId, apiId),
        }
      : null;
  if (!caller?.tier) return null;
  const policy = state.policies.get(policyKey('SUBSCRIPTION', caller.tier));
  return policy ? { policy, quotaKey: caller.quotaKey } : null;
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

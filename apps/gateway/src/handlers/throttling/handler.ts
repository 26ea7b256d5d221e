import type { GatewayErrorName, GatewayLimit, GatewayPolicy } from '@apim/contracts';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import { RequestLocal } from '../../pipeline/request-local.js';
import { PerIdMemo } from '../../shared/per-id-memo.js';
import { errorResponse } from '../../pipeline/respond.js';
import type { Outcome, RequestContext } from '../../pipeline/types.js';
import { policyKey, subscriptionKey } from '../../store/state.js';
import { conditionsHold } from '../../shared/conditions.js';
import type { BandwidthMeter } from './bandwidth-meter.js';
import { quotaCounter, refusalHeaders } from './counters.js';
import type { Verdict } from './shared-counter.js';
import { schema, type ThrottlingConfig } from './schema.js';
import { throttlingServices, type ThrottlingServices } from './services.js';

/** the bandwidth quotas an admitted exchange is charged to when it is over */
const meterOf = new RequestLocal<BandwidthMeter>();

function throttled(name: GatewayErrorName, v: Verdict): Outcome {
  return errorResponse(name, undefined, refusalHeaders(v));
}

/** The advanced policy's limit for this request: its first matching conditional group, else its default. */
function advancedLimit(p: GatewayPolicy, ctx: RequestContext): { limit: GatewayLimit; suffix: string } {
  for (const g of p.conditionalGroups)
    if (conditionsHold(g.conditions, ctx)) return { limit: g, suffix: `:g${g.id}` };
  return { limit: p, suffix: '' };
}

/**
 * Which verdict the RateLimit headers report: the one with the fewest left; between a request count
 * and a bandwidth quota (bytes), the one with the smallest share left.
 */
function tighter(a: Verdict, aInBytes: boolean, b: Verdict, bInBytes: boolean): boolean {
  return aInBytes === bInBytes ? a.remaining < b.remaining : a.remaining * b.limit < b.remaining * a.limit;
}

/**
 * WSO2's throttling tiers, checked in this order: API or resource advanced policy (900800/900802),
 * subscription burst control (900807) and quota (900804), application quota (900803), then the
 * backend's max TPS (503 / 900801). Counters are shared by all gateway nodes.
 * Request-count quotas count this request; bandwidth quotas refuse it only when their window's
 * bytes are already used up, and the admitted exchange's bytes are charged to them when it is over
 * (onDone): admitted-then-counted, so a request can overshoot a bandwidth quota by its own size.
 * The strictest limit seen is reported in RateLimit-* response headers (bytes for a bandwidth quota).
 */
export const throttling: HandlerModule<ThrottlingConfig, ThrottlingServices> = {
  name: 'throttling',
  schema,
  init: throttlingServices,
  configOf: (api) => ({ apiId: api.id, apiPolicy: api.apiThrottlingPolicy, maxTps: api.maxTps }),
  create(config, services) {
    const keys: ThrottleKeys = {
      application: new PerIdMemo((id) => ({
        subscription: subscriptionKey(id, config.apiId),
        burst: `burst:${id}:${config.apiId}`,
        quota: quotaCounter.application(id, config.apiId),
        application: `app:${id}`,
      })),
      certificate: new PerIdMemo((fingerprint) => ({
        burst: `burst:cert:${fingerprint}:${config.apiId}`,
        quota: quotaCounter.certificate(fingerprint, config.apiId),
      })),
      subscriptionPolicy: new PerIdMemo((name) => policyKey('SUBSCRIPTION', name)),
      applicationPolicy: new PerIdMemo((name) => policyKey('APPLICATION', name)),
    };
    return {
      name: 'throttling',
      onRequest: (ctx) => throttle(ctx, config, keys, services),
      // each message of a WebSocket connection, each event of a stream, counts as a request does (WSO2)
      onMessage: (ctx) => throttle(ctx, config, keys, services),
      onDone(ctx, report) {
        meterOf.get(ctx)?.done(report.requestBytes + report.responseBytes);
      },
    };
  },
};

/** The counter and state keys of this API's callers, built once per caller (see PerIdMemo). */
interface ThrottleKeys {
  application: PerIdMemo<{ subscription: string; burst: string; quota: string; application: string }>;
  certificate: PerIdMemo<{ burst: string; quota: string }>;
  subscriptionPolicy: PerIdMemo<string>;
  applicationPolicy: PerIdMemo<string>;
}

// Counter checks answer synchronously far from a limit: each is awaited only when it is a promise,
// so that a request that needs no Redis round trip costs no extra microtask per check.
async function throttle(
  ctx: RequestContext,
  config: ThrottlingConfig,
  keys: ThrottleKeys,
  services: ThrottlingServices,
): Promise<Outcome> {
  const { state, throttler } = services;
  let strictest: Verdict | null = null;
  let strictestInBytes = false;
  let meter: BandwidthMeter | null = null;
  const admit = (v: Verdict, key: string, limit: GatewayLimit) => {
    const inBytes = limit.quotaType === 'BANDWIDTH';
    if (!strictest || tighter(v, inBytes, strictest, strictestInBytes)) {
      strictest = v;
      strictestInBytes = inBytes;
    }
    if (inBytes) (meter ??= throttler.meter()).charge(key, limit);
  };

  const apiPolicyName = config.apiPolicy ?? ctx.operation.throttlingPolicy;
  const apiPolicy = apiPolicyName ? state.policies.get(policyKey('ADVANCED', apiPolicyName)) : undefined;
  if (apiPolicy) {
    const { limit, suffix } = advancedLimit(apiPolicy, ctx);
    const key = config.apiPolicy
      ? `api:${config.apiId}${suffix}`
      : `res:${config.apiId}:${ctx.operation.verb}:${ctx.operation.target}${suffix}`;
    let v = throttler.check(key, limit);
    if (v instanceof Promise) v = await v;
    if (v && !v.allowed) return throttled(config.apiPolicy ? 'API_THROTTLED' : 'RESOURCE_THROTTLED', v);
    if (v) admit(v, key, limit);
  }

  const cred = ctx.credential;
  // callers of an operation with a rule are not applications: API-level limits only
  if (cred && (cred.applicationId || cred.clientCertificate) && !ctx.operation.rule) {
    // a client certificate's tier throttles its callers as a subscription tier would (WSO2)
    const cert = cred.clientCertificate;
    const appKeys = cred.applicationId ? keys.application.get(cred.applicationId) : null;
    const tier = cert ? cert.tier : state.subscriptions.get(appKeys!.subscription)?.throttlingPolicy;
    const subPolicy = tier ? state.policies.get(keys.subscriptionPolicy.get(tier)) : undefined;
    if (subPolicy) {
      const subKeys = cert ? keys.certificate.get(cert.fingerprint) : appKeys!;
      if (subPolicy.rateLimitCount && subPolicy.rateLimitTimeUnit) {
        let v = throttler.rate(subKeys.burst, subPolicy.rateLimitCount, subPolicy.rateLimitTimeUnit);
        if (v instanceof Promise) v = await v;
        if (!v.allowed) return throttled('BURST_THROTTLED', v);
      }
      let v = throttler.check(subKeys.quota, subPolicy);
      if (v instanceof Promise) v = await v;
      if (v && !v.allowed && subPolicy.stopOnQuotaReach) return throttled('SUBSCRIPTION_THROTTLED', v);
      if (v) admit(v, subKeys.quota, subPolicy);
    }
    const appPolicyName = cred.application?.throttlingPolicy;
    const appPolicy = appPolicyName
      ? state.policies.get(keys.applicationPolicy.get(appPolicyName))
      : undefined;
    if (appPolicy && appKeys) {
      let v = throttler.check(appKeys.application, appPolicy);
      if (v instanceof Promise) v = await v;
      if (v && !v.allowed) return throttled('APPLICATION_THROTTLED', v);
      if (v) admit(v, appKeys.application, appPolicy);
    }
  }

  const tps = cred?.keyType === 'SANDBOX' ? config.maxTps?.sandbox : config.maxTps?.production;
  if (tps) {
    let v = throttler.rate(`tps:${config.apiId}:${cred?.keyType ?? 'PRODUCTION'}`, tps, 'sec');
    if (v instanceof Promise) v = await v;
    if (!v.allowed) return errorResponse('HARD_LIMIT_EXCEEDED', undefined, { 'retry-after': '1' });
  }

  // only an admitted exchange is charged
  if (meter) {
    meterOf.set(ctx, meter);
    ctx.countBytes();
  }
  const s = strictest as Verdict | null;
  if (s) {
    ctx.responseHeaders['ratelimit-limit'] = String(s.limit);
    ctx.responseHeaders['ratelimit-remaining'] = String(s.remaining);
    ctx.responseHeaders['ratelimit-reset'] = String(Math.max(1, Math.ceil(s.resetMs / 1000)));
  }
  return undefined;
}

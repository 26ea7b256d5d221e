import { Gauge } from 'prom-client';
import type { Shared } from '../../pipeline/handler-module.js';
import type { GatewayState } from '../../store/state.js';
import { SharedCounters } from './shared-counter.js';
import { Throttler } from './throttler.js';

/** What the throttling handler keeps for the node's life: the counters it shares through Redis. */
export interface ThrottlingServices {
  state: GatewayState;
  throttler: Throttler;
  close(): Promise<void>;
}

export function throttlingServices(shared: Shared): ThrottlingServices {
  const { config, state, logger, redis, registry } = shared;
  const countersShared = new Gauge({
    name: 'apim_gateway_rate_limits_shared',
    aggregator: 'min',
    help: '1 while rate limits are shared through Redis, 0 while counted per node',
    registers: [registry],
  });
  countersShared.set(1);
  const counters = new SharedCounters(redis, config.redisPrefix, logger, (s) =>
    countersShared.set(s ? 1 : 0),
  );
  return { state, throttler: new Throttler(counters), close: () => counters.close() };
}

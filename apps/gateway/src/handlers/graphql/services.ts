import type { Shared } from '../../pipeline/handler-module.js';
import type { GatewayState } from '../../store/state.js';
import { SharedCounters } from '../throttling/shared-counter.js';
import { Throttler } from '../throttling/throttler.js';

/** What the graphql handler keeps for the node's life: its counters, on the same Redis keys as throttling's. */
export interface GraphqlServices {
  state: GatewayState;
  throttler: Throttler;
  close(): void;
}

export function graphqlServices({ config, state, logger, redis }: Shared): GraphqlServices {
  // counting on the throttling handler's keys from a second set of counters is as two nodes counting:
  // each reserves its share in Redis, and the shared total is exact
  const counters = new SharedCounters(redis, config.redisPrefix, logger);
  return { state, throttler: new Throttler(counters), close: () => counters.close() };
}

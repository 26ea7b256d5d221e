import { Counter, Gauge } from 'prom-client';
import type { Logger } from '@apim/service';
import type { Shared } from '../../pipeline/handler-module.js';
import type { GatewayState } from '../../store/state.js';
import { CredentialVerifier } from './credentials.js';
import { SenderConstraints } from './sender-constraint.js';
import { ProofReplayStore } from './sender-constraint-replay.js';

/** What the authentication handler keeps for the node's life: key sets, token caches, replay store. */
export interface AuthenticationServices {
  state: GatewayState;
  logger: Logger;
  credentials: CredentialVerifier;
  /** DPoP proofs and certificate binding of sender-constrained tokens */
  senderConstraints: SenderConstraints;
}

export function authenticationServices(shared: Shared): AuthenticationServices {
  const { config, state, logger, redis, registry, changes } = shared;
  const introspectionCalls = new Counter({
    name: 'apim_gateway_introspection_calls_total',
    help: 'Token introspection calls, by what the gateway made of the answer (active, inactive, error)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const introspectionLimited = new Counter({
    name: 'apim_gateway_introspection_limited_total',
    help: 'Opaque tokens refused without a call because the introspection rate was used up',
    registers: [registry],
  });
  const credentials = new CredentialVerifier(config, state, logger, {
    called: (result) => introspectionCalls.inc({ result }),
    limited: () => introspectionLimited.inc(),
  });
  changes.onSigningKeys(() => credentials.signingKeysChanged());
  changes.onUser((username) => credentials.basic.forget(username));

  const replaysShared = new Gauge({
    name: 'apim_gateway_dpop_replays_shared',
    aggregator: 'min',
    help: '1 while DPoP proof replays are detected across nodes through Redis, 0 while per node',
    registers: [registry],
  });
  replaysShared.set(1);
  // a proof is acceptable from iat - skew to iat + max age: its jti is remembered for the whole span
  const proofReplays = new ProofReplayStore(
    redis,
    config.redisPrefix,
    (config.dpop.proofMaxAgeSec + config.dpop.clockSkewSec) * 1000,
    config.dpop.replayMemory,
    logger,
    (shared) => replaysShared.set(shared ? 1 : 0),
  );
  return {
    state,
    logger,
    credentials,
    senderConstraints: new SenderConstraints(config.dpop, () => state.vhosts, proofReplays),
  };
}

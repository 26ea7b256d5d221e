import type { GatewayApi } from '@apim/contracts';
import type { CryptoKey } from 'jose';
import type { Logger } from '@apim/service';
import type { CredentialVerifier } from '../handlers/authentication/credentials.js';
import type { SenderConstraints } from '../handlers/authentication/sender-constraint.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayState } from '../store/state.js';
import type { Throttler } from '../handlers/throttling/throttler.js';
import type { Handler } from './types.js';

/** What handlers may use besides the request: the shared, long-lived parts of one gateway. */
export interface GatewayDeps {
  config: GatewayConfig;
  state: GatewayState;
  credentials: CredentialVerifier;
  /** DPoP proofs and certificate binding of sender-constrained tokens */
  senderConstraints: SenderConstraints;
  throttler: Throttler;
  logger: Logger;
  /** the loaded backend JWT signing key, when backend JWTs are configured */
  backendJwtKey: CryptoKey | null;
}

/**
 * One handler folder's export: its config is taken from the API and validated against `schema` when
 * the API is deployed (a bad config refuses the deployment, never a request); `configOf` returns
 * null when the handler has nothing to do for this API, so it is left out of the chain.
 */
export interface HandlerModule<C> {
  readonly name: string;
  readonly schema: object;
  configOf(api: GatewayApi, deps: GatewayDeps): C | null;
  create(config: C, deps: GatewayDeps, api: GatewayApi): Handler;
}

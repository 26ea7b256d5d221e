import type { Registry } from 'prom-client';
import type { GatewayApi } from '@apim/contracts';
import type { Logger, RedisClient } from '@apim/service';
import type { GatewayConfig } from '../config.js';
import type { GatewayState } from '../store/state.js';
import type { Handler } from './types.js';

/** Snapshot changes a handler's long-lived services follow (cached keys and users). */
export class StateChanges {
  private readonly listeners = {
    signingKeys: [] as Array<() => void>,
    user: [] as Array<(u: string | null) => void>,
  };

  onSigningKeys(fn: () => void): void {
    this.listeners.signingKeys.push(fn);
  }

  /** `null`: any user may have changed */
  onUser(fn: (username: string | null) => void): void {
    this.listeners.user.push(fn);
  }

  signingKeysChanged(): void {
    for (const fn of this.listeners.signingKeys) fn();
  }

  userChanged(username: string | null): void {
    for (const fn of this.listeners.user) fn(username);
  }
}

/** What one gateway node gives every handler's `init`: its settings and shared connections. */
export interface Shared {
  config: GatewayConfig;
  state: GatewayState;
  changes: StateChanges;
  logger: Logger;
  /** rate-limit style commands: fail fast while Redis is away, never queue */
  redis: RedisClient;
  /** the node's Prometheus registry, for the handler's own metrics */
  registry: Registry;
}

/** A handler's long-lived services, built once per gateway node; a `close` method is called when the node stops. */
export type HandlerServices = object;

/**
 * One handler folder's export. `init` builds the services the handler owns for the node's life
 * (key sets, counters, caches). At deployment, the handler's config is taken from the API and
 * validated against `schema` (a bad config refuses the deployment, never a request); `configOf`
 * returns null when the handler has nothing to do for this API, so it is left out of the chain.
 */
export interface HandlerModule<C, S extends HandlerServices = HandlerServices> {
  readonly name: string;
  readonly schema: object;
  init?(shared: Shared): S | Promise<S>;
  configOf(api: GatewayApi, services: S): C | null;
  create(config: C, services: S, api: GatewayApi): Handler;
}

import {
  keyMappingKey,
  type GatewayApi,
  type GatewayApplication,
  type GatewayAuthorizer,
  type GatewayDenyPolicy,
  type GatewayEvent,
  type GatewayIssuer,
  type GatewayKeyMapping,
  type GatewayPolicy,
  type GatewaySubscription,
} from '@apim/contracts';
import type { GatewaySnapshot } from '@apim/gateway-model';

/** Told about changes that need more than a map update (routes, key sets). */
export interface StateListener {
  apiDeployed(api: GatewayApi): void;
  apiRemoved(apiId: string): void;
  signingKeysChanged(): void;
  /** a user's credentials or roles changed (null: any user's, after a snapshot reload) */
  userChanged(username: string | null): void;
  /** a token or a client's tokens were revoked, or a subscription or application changed or went */
  accessChanged(): void;
}

export const subscriptionKey = (applicationId: string, apiId: string) => `${applicationId}/${apiId}`;
export const policyKey = (type: GatewayPolicy['type'], name: string) => `${type}/${name}`;

/**
 * The gateway's in-memory view of the control plane, read on every request and changed only by a
 * snapshot or by events applied strictly in log order (see sync.ts).
 */
export class GatewayState {
  readonly apis = new Map<string, GatewayApi>();
  readonly applications = new Map<string, GatewayApplication>();
  /** by keyMappingKey(key manager, consumer key): a consumer key means nothing without its key manager */
  readonly keyMappings = new Map<string, GatewayKeyMapping>();
  readonly subscriptions = new Map<string, GatewaySubscription>();
  readonly policies = new Map<string, GatewayPolicy>();
  readonly denyPolicies = new Map<string, GatewayDenyPolicy>();
  readonly issuers = new Map<string, GatewayIssuer>();
  /** external authorizers by name: rules name them, and find them here on each request */
  readonly authorizers = new Map<string, GatewayAuthorizer>();
  /** jti -> expiry (ms); entries past expiry are dropped by purgeExpired */
  readonly revokedTokens = new Map<string, number>();
  /** client id -> tokens issued before this time (ms) are rejected */
  readonly revokedClients = new Map<string, number>();
  vhosts: string[] = [];
  lastEventId = -1n;

  constructor(
    readonly environment: string,
    private readonly listener: StateListener,
  ) {}

  get loaded(): boolean {
    return this.lastEventId >= 0n;
  }

  /** Replaces everything with a snapshot (at start, or after a gap in the log). */
  load(s: GatewaySnapshot): void {
    for (const id of this.apis.keys()) this.listener.apiRemoved(id);
    const maps = [
      this.apis,
      this.applications,
      this.keyMappings,
      this.subscriptions,
      this.policies,
      this.denyPolicies,
      this.issuers,
      this.authorizers,
      this.revokedTokens,
      this.revokedClients,
    ];
    for (const m of maps) m.clear();
    this.vhosts = s.vhosts;
    for (const a of s.applications) this.applications.set(a.id, a);
    for (const k of s.keyMappings) this.keyMappings.set(keyMappingKey(k.keyManager, k.consumerKey), k);
    for (const sub of s.subscriptions)
      this.subscriptions.set(subscriptionKey(sub.applicationId, sub.apiId), sub);
    for (const p of s.policies) this.policies.set(policyKey(p.type, p.name), p);
    for (const d of s.denyPolicies) this.denyPolicies.set(d.id, d);
    for (const i of s.issuers) this.issuers.set(i.id, i);
    for (const a of s.authorizers) this.authorizers.set(a.name, a);
    for (const t of s.revokedTokens) this.revokedTokens.set(t.jti, t.expiresAt.getTime());
    for (const c of s.revokedClients) this.revokedClients.set(c.clientId, c.revokedBefore.getTime());
    for (const api of s.apis) this.deploy(api);
    this.listener.signingKeysChanged();
    // the events since the last snapshot were not seen: users may have changed meanwhile
    this.listener.userChanged(null);
    this.listener.accessChanged();
    this.lastEventId = s.lastEventId;
  }

  /** Applies one event from the log; events must come in id order, each once. */
  apply(e: GatewayEvent): void {
    switch (e.type) {
      case 'API_DEPLOYED':
        if (e.payload.api.environment === this.environment) this.deploy(e.payload.api);
        break;
      case 'API_UNDEPLOYED':
        if (e.payload.environment === this.environment && this.apis.delete(e.payload.apiId))
          this.listener.apiRemoved(e.payload.apiId);
        break;
      case 'API_STATUS_CHANGED': {
        const api = this.apis.get(e.payload.apiId);
        if (api) this.deploy({ ...api, lifecycleStatus: e.payload.lifecycleStatus });
        break;
      }
      case 'API_DEFAULT_VERSION_CHANGED':
        for (const api of [...this.apis.values()]) {
          if (api.context !== e.payload.context) continue;
          const isDefault = api.version === e.payload.defaultVersion;
          if (api.isDefaultVersion !== isDefault) this.deploy({ ...api, isDefaultVersion: isDefault });
        }
        break;
      case 'APPLICATION_UPSERTED':
        this.applications.set(e.payload.application.id, e.payload.application);
        this.listener.accessChanged();
        break;
      case 'APPLICATION_DELETED': {
        const id = e.payload.applicationId;
        this.applications.delete(id);
        for (const [k, m] of this.keyMappings) if (m.applicationId === id) this.keyMappings.delete(k);
        for (const [k, s] of this.subscriptions) if (s.applicationId === id) this.subscriptions.delete(k);
        this.listener.accessChanged();
        break;
      }
      case 'KEY_MAPPING_UPSERTED': {
        const k = e.payload.keyMapping;
        this.keyMappings.set(keyMappingKey(k.keyManager, k.consumerKey), k);
        break;
      }
      case 'KEY_MAPPING_DELETED':
        this.keyMappings.delete(keyMappingKey(e.payload.keyManager, e.payload.consumerKey));
        this.listener.accessChanged();
        break;
      case 'SUBSCRIPTION_UPSERTED': {
        const s = e.payload.subscription;
        this.subscriptions.set(subscriptionKey(s.applicationId, s.apiId), s);
        this.listener.accessChanged();
        break;
      }
      case 'SUBSCRIPTION_DELETED':
        this.subscriptions.delete(subscriptionKey(e.payload.applicationId, e.payload.apiId));
        this.listener.accessChanged();
        break;
      case 'POLICY_UPSERTED':
        this.policies.set(policyKey(e.payload.policy.type, e.payload.policy.name), e.payload.policy);
        break;
      case 'POLICY_DELETED':
        this.policies.delete(policyKey(e.payload.type, e.payload.name));
        break;
      case 'DENY_POLICY_UPSERTED':
        this.denyPolicies.set(e.payload.denyPolicy.id, e.payload.denyPolicy);
        break;
      case 'DENY_POLICY_DELETED':
        this.denyPolicies.delete(e.payload.id);
        break;
      case 'ISSUER_UPSERTED':
        this.issuers.set(e.payload.issuer.id, e.payload.issuer);
        this.listener.signingKeysChanged();
        break;
      case 'ISSUER_DELETED': {
        // the control plane removes the issuer's application keys with it, in the same transaction
        const name = this.issuers.get(e.payload.id)?.name;
        this.issuers.delete(e.payload.id);
        if (name !== undefined)
          for (const [k, m] of this.keyMappings) if (m.keyManager === name) this.keyMappings.delete(k);
        this.listener.signingKeysChanged();
        break;
      }
      case 'AUTHORIZER_UPSERTED':
        this.authorizers.set(e.payload.authorizer.name, e.payload.authorizer);
        break;
      case 'AUTHORIZER_DELETED':
        this.authorizers.delete(e.payload.name);
        break;
      case 'TOKEN_REVOKED':
        this.revokedTokens.set(e.payload.jti, Date.parse(e.payload.expiresAt));
        this.listener.accessChanged();
        break;
      case 'CLIENT_TOKENS_REVOKED': {
        const before = Date.parse(e.payload.revokedBefore);
        const known = this.revokedClients.get(e.payload.clientId) ?? 0;
        this.revokedClients.set(e.payload.clientId, Math.max(known, before));
        this.listener.accessChanged();
        break;
      }
      case 'SIGNING_KEYS_CHANGED':
        this.listener.signingKeysChanged();
        break;
      case 'USER_CHANGED':
        this.listener.userChanged(e.payload.username);
        break;
    }
    this.lastEventId = e.id;
  }

  /** Forgets revoked token ids whose tokens have expired anyway. */
  purgeExpired(now = Date.now()): void {
    for (const [jti, exp] of this.revokedTokens) if (exp < now) this.revokedTokens.delete(jti);
  }

  private deploy(api: GatewayApi): void {
    this.apis.set(api.id, api);
    this.listener.apiDeployed(api);
  }
}

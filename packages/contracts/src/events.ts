import type {
  GatewayApi,
  GatewayApplication,
  GatewayAuthorizer,
  GatewayDenyPolicy,
  GatewayIssuer,
  GatewayKeyMapping,
  GatewayPolicy,
  GatewaySubscription,
  LifecycleStatus,
} from './gateway-model.js';

/** Postgres NOTIFY channel raised (with the new event id as payload) after each event commits. */
export const GATEWAY_EVENTS_CHANNEL = 'apim_gateway_events';

/**
 * A gateway node refreshes its gateway_node.last_seen_at this often (milliseconds); the control
 * plane counts a node as running while it was seen within three of these.
 */
export const GATEWAY_HEARTBEAT_MS = 2000;

/**
 * Every change a gateway must apply, with the entity's full gateway view, so a gateway applies
 * events strictly in order without reading anything else.
 */
export interface GatewayEventPayloads {
  API_DEPLOYED: { api: GatewayApi };
  API_UNDEPLOYED: { apiId: string; environment: string };
  API_STATUS_CHANGED: { apiId: string; lifecycleStatus: LifecycleStatus };
  API_DEFAULT_VERSION_CHANGED: { apiId: string; context: string; defaultVersion: string | null };
  APPLICATION_UPSERTED: { application: GatewayApplication };
  APPLICATION_DELETED: { applicationId: string };
  KEY_MAPPING_UPSERTED: { keyMapping: GatewayKeyMapping };
  KEY_MAPPING_DELETED: { consumerKey: string; keyManager?: string };
  SUBSCRIPTION_UPSERTED: { subscription: GatewaySubscription };
  SUBSCRIPTION_DELETED: { subscriptionId: string; applicationId: string; apiId: string };
  POLICY_UPSERTED: { policy: GatewayPolicy };
  POLICY_DELETED: { type: GatewayPolicy['type']; name: string };
  DENY_POLICY_UPSERTED: { denyPolicy: GatewayDenyPolicy };
  DENY_POLICY_DELETED: { id: string };
  ISSUER_UPSERTED: { issuer: GatewayIssuer };
  ISSUER_DELETED: { id: string };
  AUTHORIZER_UPSERTED: { authorizer: GatewayAuthorizer };
  AUTHORIZER_DELETED: { name: string };
  /** one token (access token or API key) by its jti */
  TOKEN_REVOKED: { jti: string; expiresAt: string };
  /** every token of this client issued before revokedBefore */
  CLIENT_TOKENS_REVOKED: { clientId: string; revokedBefore: string };
  /** the key manager published or retired a signing key */
  SIGNING_KEYS_CHANGED: { kids: string[] };
  /**
   * a user was disabled, deleted, or had their password or roles changed: gateways forget the
   * Basic credentials they verified for them
   */
  USER_CHANGED: { username: string };
}

export type GatewayEventType = keyof GatewayEventPayloads;

export type GatewayEvent = {
  [K in GatewayEventType]: { id: bigint; type: K; payload: GatewayEventPayloads[K]; createdAt: Date };
}[GatewayEventType];

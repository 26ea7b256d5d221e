import type { GatewayErrorName } from '@apim/contracts';

/** The status code and reason of a WebSocket close frame. */
export interface CloseReason {
  code: number;
  reason: string;
}

// WSO2's frame error codes and reasons (WebSocketApiConstants.FrameErrorConstants), which its
// clients and samples check for
const INVALID_CREDENTIALS: CloseReason = { code: 4001, reason: 'Invalid Credentials' };
const FORBIDDEN: CloseReason = { code: 4002, reason: 'User NOT authorized to access the resource' };
const THROTTLED: CloseReason = { code: 4003, reason: 'Websocket frame throttled out' };

const BY_ERROR: Partial<Record<GatewayErrorName, CloseReason>> = {
  INVALID_CREDENTIALS,
  MISSING_CREDENTIALS: INVALID_CREDENTIALS,
  ACCESS_TOKEN_EXPIRED: INVALID_CREDENTIALS,
  ACCESS_TOKEN_INACTIVE: INVALID_CREDENTIALS,
  RESOURCE_FORBIDDEN: FORBIDDEN,
  SUBSCRIPTION_INACTIVE: FORBIDDEN,
  INVALID_SCOPE: FORBIDDEN,
  BLOCKED_BY_DENY_POLICY: FORBIDDEN,
  API_THROTTLED: THROTTLED,
  RESOURCE_THROTTLED: THROTTLED,
  APPLICATION_THROTTLED: THROTTLED,
  SUBSCRIPTION_THROTTLED: THROTTLED,
  BURST_THROTTLED: THROTTLED,
  HARD_LIMIT_EXCEEDED: THROTTLED,
};

/** RFC 6455 §7.4.1: 1008, "a message that violates its policy", for any other refusal. */
const POLICY_VIOLATION: CloseReason = { code: 1008, reason: 'Policy Violation' };

/** How a connection ends when a handler refuses one of its messages, or it is refused on a recheck. */
export function closeReasonOf(error: GatewayErrorName | undefined): CloseReason {
  return (error && BY_ERROR[error]) || POLICY_VIOLATION;
}

/** no message either way for the configured idle time */
export const IDLE: CloseReason = { code: 1001, reason: 'Idle timeout' };
/** the gateway node is stopping */
export const GOING_AWAY: CloseReason = { code: 1001, reason: 'Gateway shutting down' };
/** RFC 6455 (IANA registry) 1014: the backend, which the gateway relays for, failed */
export const BAD_GATEWAY: CloseReason = { code: 1014, reason: 'Bad Gateway' };

/**
 * A close code one side sent that the gateway may send on to the other: 1005 (none given), 1006
 * (connection lost) and 1015 (TLS failure) are never sent in a close frame (RFC 6455 §7.4.1).
 */
export function relayable(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

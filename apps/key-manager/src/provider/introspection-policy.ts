/**
 * What introspection (RFC 7662) tells, and to whom. Every active answer says what the token is:
 * - `token_type`: for an access token the type the token endpoint issued it with, `Bearer` or
 *   `DPoP` (then `cnf.jkt` names the key its proofs must use); for a refresh token RFC 8693's
 *   identifier `urn:ietf:params:oauth:token-type:refresh_token`, so that a resource server
 *   checking only for Bearer/DPoP refuses it too (RFC 7662 defines the member for access tokens
 *   only; oidc-provider leaves it out for refresh tokens, and `active` alone would pass).
 * - `token_use`: `access_token` or `refresh_token`, a non-standard but plain marker (the name
 *   AWS Cognito uses) for resource servers that prefer not to infer the kind from token_type.
 * - `aud`: the gateways' audience (APIM_TOKEN_AUDIENCE) for tokens meant for them.
 * The gateways' client is answered active only for access tokens with the gateways' audience:
 * refresh tokens, API keys and tokens for the userinfo endpoint are `{ active: false }` to it,
 * whatever other check a gateway makes. Any other client is answered about its own tokens.
 */
import { namesAudience } from '@apim/contracts';
import { GATEWAY_CLIENT_ID } from '../models/builtin-clients.js';

export const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

export type TokenUse = 'access_token' | 'refresh_token';

export interface IntrospectedToken {
  use: TokenUse;
  /** the client the token was issued to */
  clientId: string | undefined;
  aud: unknown;
}

/** Whether `callerId` may learn that `token` is active. */
export function mayIntrospect(callerId: string, token: IntrospectedToken, gatewayAudience: string): boolean {
  if (callerId === GATEWAY_CLIENT_ID)
    return token.use === 'access_token' && namesAudience(token.aud, gatewayAudience);
  return token.clientId === callerId;
}

/** The OpenID Connect scopes; every other scope is an API or REST scope held in the Scope table. */
export const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email'] as const;
const oidcScopes = new Set<string>(OIDC_SCOPES);

export function isOidcScope(scope: string): boolean {
  return oidcScopes.has(scope);
}

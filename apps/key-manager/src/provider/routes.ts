/** oidc-provider's endpoints, at WSO2's paths. */
export const Routes = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  introspection: '/oauth2/introspect',
  revocation: '/oauth2/revoke',
  jwks: '/oauth2/jwks',
  userinfo: '/oauth2/userinfo',
  end_session: '/oauth2/logout',
  registration: '/oauth2/register',
} as const;

/** Login and consent pages of an authorization in progress. */
export const INTERACTION_PATH = '/oauth2/interaction';
export const SIGNUP_PATH = '/signup';

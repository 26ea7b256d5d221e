/**
 * The resource owner password grant, which WSO2 users expect to find. oidc-provider does not ship
 * it; it is registered as an extension grant and refused to every client not explicitly allowed
 * it (APIM internal API: allowPasswordGrant).
 */
import type Provider from 'oidc-provider';
import { errors, type Client, type KoaContextWithOIDC } from 'oidc-provider';
import { ClientExtras } from '../adapters/prisma-adapter.js';
import type { ProviderDeps } from '../provider/configuration.js';
import { GATEWAY_RESOURCE, gatewayResourceServer } from '../provider/gateway-resource-server.js';
import { callerAddress } from '../helpers/caller-address.js';
import { isOidcScope } from '../provider/oidc-scopes.js';
import type { UserLogin } from '../models/user-login.js';

function passwordGrantAllowed(client: Client): boolean {
  return client.metadata()[ClientExtras.passwordGrant] === true;
}

export function registerPasswordGrant(provider: Provider, deps: ProviderDeps & { logins: UserLogin }): void {
  async function handler(ctx: KoaContextWithOIDC): Promise<void> {
    const client = ctx.oidc.client!;
    if (!passwordGrantAllowed(client))
      throw new errors.UnauthorizedClient('the password grant is not allowed for this client');
    const params = ctx.oidc.params as { username?: string; password?: string; scope?: string };
    if (!params.username || !params.password)
      throw new errors.InvalidRequest('username and password are required');

    const address = callerAddress(deps.config.trustedProxies, ctx.req);
    const login = await deps.logins.check(params.username, params.password, address);
    if (!login.ok)
      throw new errors.InvalidGrant(
        login.retryAfter ? 'too many failed attempts, retry later' : 'invalid user credentials',
      );
    const accountId = login.username;
    const resourceServer = await gatewayResourceServer(deps, ctx, client, accountId);
    const allowed = new Set(resourceServer.scope.split(' '));
    const requested = (params.scope ?? '').split(' ').filter(Boolean);
    const oidcScopes = requested.filter(isOidcScope);
    const apiScopes = requested.filter((s) => allowed.has(s));

    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
    if (apiScopes.length) grant.addResourceScope(GATEWAY_RESOURCE, apiScopes.join(' '));
    const grantId = await grant.save();

    const at = new provider.AccessToken({ accountId, client, grantId, gty: 'password' });
    at.resourceServer = new provider.ResourceServer(GATEWAY_RESOURCE, resourceServer);
    at.scope = apiScopes.join(' ') || undefined;
    ctx.oidc.entity('AccessToken', at);
    const accessToken = await at.save();

    let refreshToken: string | undefined;
    if (client.grantTypeAllowed('refresh_token')) {
      const rt = new provider.RefreshToken({
        accountId,
        client,
        grantId,
        gty: 'password',
        scope: [...oidcScopes, ...apiScopes].join(' '),
        resource: GATEWAY_RESOURCE,
        rotations: 0,
      });
      ctx.oidc.entity('RefreshToken', rt);
      refreshToken = await rt.save();
    }
    ctx.body = {
      access_token: accessToken,
      expires_in: at.expiration,
      token_type: at.tokenType,
      scope: at.scope,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  provider.registerGrantType('password', handler, ['username', 'password', 'scope']);
}

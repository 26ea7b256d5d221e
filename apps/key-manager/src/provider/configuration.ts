/**
 * The oidc-provider configuration: storage, routes at WSO2's paths, grants, token formats and
 * claims (what a token for the gateways holds: gateway-resource-server.ts). One Provider is built
 * per set of published signing keys (see provider-holder.ts).
 */
import Provider, { errors, type Client, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { PrismaClient } from '@apim/db';
import { verifySecret } from '@apim/service';
import { ClientExtras, prismaAdapter, recordIssuedJwt } from '../adapters/prisma-adapter.js';
import { applicationClaims } from '../models/applications.js';
import { deriveKey } from '../helpers/derive-key.js';
import { mayIntrospect } from './introspection-policy.js';
import { isOidcScope, OIDC_SCOPES } from './oidc-scopes.js';
import { signingKeyAt } from '../models/signing-keys.js';
import { errorPage, logoutPage, logoutSuccessPage, signingOutPage } from '../actions/interactions/views.js';
import { INTERACTION_PATH, Routes } from './routes.js';
import type { BruteForceGuard } from '../helpers/brute-force-guard.js';
import { clientChecked, TooManyAttempts } from '../helpers/brute-force-middleware.js';
import { callerAddress } from '../helpers/caller-address.js';
import type { OneTimeCredentials } from './owner-tokens.js';
import {
  accessTokenTtlFor,
  clientApplication,
  GATEWAY_RESOURCE,
  gatewayResourceServer,
  type ResourceServerDeps,
} from './gateway-resource-server.js';

export interface ProviderDeps extends ResourceServerDeps {
  prisma: PrismaClient;
  guard: BruteForceGuard;
  /** credentials of owner-token requests made in process (owner-tokens.ts) */
  oneTime: OneTimeCredentials;
}

/** The client's redirect origins may call the token, userinfo and other CORS endpoints. */
function corsAllowed(_ctx: KoaContextWithOIDC, origin: string, client: Client): boolean {
  return (client.redirectUris ?? []).some((uri) => {
    try {
      return new URL(uri).origin === origin;
    } catch {
      return false;
    }
  });
}

export function buildProvider(deps: ProviderDeps): Provider {
  const { config, prisma, lookups, keys } = deps;
  const signing = signingKeyAt(keys);
  // ID tokens are signed with the first key of the keystore: keep the signing key first.
  const ordered = [...keys].sort((a, b) => (a === signing ? -1 : b === signing ? 1 : 0));

  const configuration: Configuration = {
    adapter: prismaAdapter(prisma, lookups),
    clients: [],
    jwks: { keys: ordered.map((k) => k.privateJwk) as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      keys: [deriveKey(config.keyEncryptionKey, 'oidc-cookies')],
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax' },
    },
    routes: Routes,
    scopes: [...OIDC_SCOPES],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: [config.signingAlg],
      userinfoSigningAlgValues: [config.signingAlg],
      introspectionSigningAlgValues: [config.signingAlg],
      authorizationSigningAlgValues: [config.signingAlg],
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: config.signingAlg,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    extraClientMetadata: {
      properties: [ClientExtras.accessTokenTtl, ClientExtras.passwordGrant],
      validator(ctx, key, _value, metadata) {
        // Set by the internal API only; dynamic registration cannot grant them to itself.
        if (ctx?.oidc?.route?.startsWith('registration')) metadata[key] = undefined;
      },
    },
    async findAccount(_ctx, sub) {
      const user = await prisma.user.findUnique({ where: { username: sub } });
      if (!user?.enabled) return undefined;
      return {
        accountId: user.username,
        claims: () => ({
          sub: user.username,
          name: user.displayName ?? user.username,
          preferred_username: user.username,
          updated_at: Math.floor(user.updatedAt.getTime() / 1000),
          ...(user.email ? { email: user.email, email_verified: false } : {}),
        }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // The gateways may introspect every access token for them; any other client its own
        // tokens (introspection-policy.ts). JWTs are answered in actions/jwt-introspection-revocation.ts.
        allowedPolicy: (_ctx, client, token) =>
          mayIntrospect(
            client.clientId,
            token.kind === 'RefreshToken'
              ? { use: 'refresh_token', clientId: token.clientId, aud: undefined }
              : { use: 'access_token', clientId: token.clientId, aud: token.aud },
            config.tokenAudience,
          ),
      },
      revocation: { enabled: true },
      registration: { enabled: true, initialAccessToken: true },
      rpInitiatedLogout: {
        enabled: true,
        // An application that proves which user it signs out (an ID token of the signed-in user,
        // checked by oidc-provider) signs them out in one step; anything else is asked first, as
        // RP-Initiated Logout requires.
        logoutSource: (ctx, form) => {
          const hint = ctx.oidc.entities.IdTokenHint as { payload?: { sub?: unknown } } | undefined;
          const accountId = ctx.oidc.session?.accountId;
          ctx.type = 'html';
          ctx.body = accountId && hint?.payload?.sub === accountId ? signingOutPage(form) : logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = logoutSuccessPage(config.consoleUrl);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? GATEWAY_RESOURCE,
        // An OpenID-only login gets a token for userinfo; anything that may call APIs gets a
        // gateway token (every application key, every grant with an API or REST scope).
        async useGrantedResource(ctx, model) {
          const clientId = (model as { clientId?: string }).clientId ?? ctx.oidc.client?.clientId;
          if ([...model.scopes].some((s) => !isOidcScope(s))) return true;
          return !!clientId && (await clientApplication(lookups, ctx, clientId)) !== null;
        },
        async getResourceServerInfo(ctx, indicator, client) {
          if (indicator !== GATEWAY_RESOURCE) throw new errors.InvalidTarget();
          return gatewayResourceServer(deps, ctx, client);
        },
      },
    },
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    async extraTokenClaims(ctx, token) {
      const app = await clientApplication(lookups, ctx, token.clientId!);
      return {
        azp: token.clientId,
        aut: token.kind === 'ClientCredentials' ? 'APPLICATION' : 'APPLICATION_USER',
        ...(app ? applicationClaims(app) : {}),
      };
    },
    formats: {
      customizers: {
        async jwt(_ctx, token, jwt) {
          jwt.payload.nbf = jwt.payload.iat;
          const { grantId, jti, clientId } = token as typeof token & { grantId?: string };
          const exp = jwt.payload.exp;
          if (grantId && clientId && typeof exp === 'number')
            await recordIssuedJwt(prisma, { jti, grantId, clientId, exp });
        },
      },
    },
    ttl: {
      AccessToken: (ctx, token, client) =>
        token.resourceServer?.accessTokenTTL ?? accessTokenTtlFor(ctx, client),
      ClientCredentials: (ctx, token, client) =>
        token.resourceServer?.accessTokenTTL ?? accessTokenTtlFor(ctx, client),
      RefreshToken: () => config.refreshTokenTtl,
      Grant: () => Math.max(config.refreshTokenTtl, 14 * 86_400),
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 86_400,
    },
    rotateRefreshToken: true,
    // WSO2 issues a refresh token to every client allowed the grant, without offline_access.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    clientBasedCORS: corsAllowed,
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out, config.consoleUrl);
    },
  };

  const provider = new Provider(config.issuer, configuration);
  // Koa then reads the scheme and host from X-Forwarded-Proto/Host, which server.ts drops when
  // the peer is not a trusted proxy; the caller's address is never Koa's (helpers/caller-address.ts).
  provider.proxy = config.trustedProxies.enabled;
  // Client secrets are stored as hashes (the adapter hands the hash to oidc-provider as
  // client_secret), so the presented secret is hashed before the constant-time comparison.
  // A client that keeps failing is refused for a while, even with the right secret.
  // An owner-token request made in process presents a one-time credential instead.
  provider.Client.prototype.compareClientSecret = async function compareHashed(this: Client, actual: string) {
    if (deps.oneTime.accept(this.clientId, actual)) return true;
    const ctx = Provider.ctx;
    if (ctx && !clientChecked(ctx, this.clientId)) {
      const address = callerAddress(config.trustedProxies, ctx.req);
      const wait = await deps.guard.retryAfter(deps.guard.clientCounters(address, this.clientId));
      if (wait > 0) throw new TooManyAttempts(wait);
    }
    return typeof this.clientSecret === 'string' && verifySecret(actual, this.clientSecret);
  };
  const retryAfter = (ctx: KoaContextWithOIDC, err: Error) => {
    if (err instanceof TooManyAttempts) ctx.set('Retry-After', String(err.retryAfter));
  };
  provider.on('grant.error', retryAfter);
  provider.on('introspection.error', retryAfter);
  provider.on('revocation.error', retryAfter);
  return provider;
}

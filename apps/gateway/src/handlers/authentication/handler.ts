import type { KeyType } from '@apim/contracts';
import { ipPermitted, refererPermitted } from '../../auth/api-key-restrictions.js';
import { parseBasic } from '../../auth/basic-auth.js';
import type { Verification, VerifiedToken } from '../../auth/credentials.js';
import type { GatewayDeps, HandlerModule } from '../../pipeline/handler-module.js';
import { errorResponse } from '../../pipeline/respond.js';
import type { Credential, Outcome, RequestContext } from '../../pipeline/types.js';
import { schema, type AuthenticationConfig } from './schema.js';

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
const BASIC_SCHEME = /^Basic[ \t]/i;

function headerOf(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function keyTypeOf(v: unknown): KeyType {
  return v === 'SANDBOX' ? 'SANDBOX' : 'PRODUCTION';
}

function usernameOf(t: VerifiedToken): string | null {
  const v = t.claims.username ?? t.claims.sub;
  return typeof v === 'string' ? v : null;
}

/**
 * Who is calling: an OAuth2 access token (a JWT from the key manager or a trusted issuer, or an
 * opaque token by introspection) or Basic user credentials (checked at the key manager) in the API's
 * authorization header, or an API key in its API key header. Resources with auth disabled, and
 * prototyped APIs, are open. The credential header never reaches the backend.
 */
export const authentication: HandlerModule<AuthenticationConfig> = {
  name: 'authentication',
  schema,
  configOf(api) {
    if (api.lifecycleStatus === 'PROTOTYPED') return null;
    const schemes = new Set(api.securitySchemes);
    const apiKey = schemes.has('api_key');
    const basic = schemes.has('basic_auth');
    return {
      // an API that names no scheme of ours is OAuth2-secured, as in WSO2
      oauth2: schemes.has('oauth2') || (!apiKey && !basic),
      apiKey,
      basic,
      authorizationHeader: (api.authorizationHeader || 'authorization').toLowerCase(),
      apiKeyHeader: (api.apiKeyHeader || 'apikey').toLowerCase(),
    };
  },
  create(config, deps) {
    return {
      name: 'authentication',
      onRequest: (ctx) => authenticate(ctx, config, deps),
    };
  },
};

async function authenticate(
  ctx: RequestContext,
  config: AuthenticationConfig,
  deps: GatewayDeps,
): Promise<Outcome> {
  if (!ctx.operation.authEnabled) return undefined;
  const authorization = config.oauth2 || config.basic ? headerOf(ctx, config.authorizationHeader) : undefined;
  const apiKey = config.apiKey ? headerOf(ctx, config.apiKeyHeader) : undefined;
  let result: Verification;
  let kind: Credential['kind'];
  if (authorization !== undefined) {
    if (config.basic && BASIC_SCHEME.test(authorization))
      return authenticateBasic(ctx, authorization, config, deps);
    const m = config.oauth2 ? BEARER.exec(authorization) : null;
    if (!m)
      return errorResponse(
        'INVALID_CREDENTIALS',
        `The authorization header must be ${[config.oauth2 && '"Bearer <access token>"', config.basic && '"Basic <credentials>"'].filter(Boolean).join(' or ')}`,
      );
    const token = m[1]!;
    kind = 'oauth2';
    try {
      result =
        token.split('.').length === 3
          ? await deps.credentials.verifyJwt(token, 'access')
          : await deps.credentials.introspect(token);
    } catch (e) {
      deps.logger.warn({ err: (e as Error).message }, 'token introspection failed');
      return errorResponse('INVALID_CREDENTIALS', 'The access token could not be verified now');
    }
    ctx.backendHeaders[config.authorizationHeader] = null;
  } else if (apiKey !== undefined) {
    kind = 'apiKey';
    result = await deps.credentials.verifyJwt(apiKey.trim(), 'apiKey');
    ctx.backendHeaders[config.apiKeyHeader] = null;
    if (result.ok) {
      const c = result.token.claims;
      if (!ipPermitted(c.permittedIP, ctx.clientIp))
        return errorResponse('INVALID_CREDENTIALS', 'The API key is not permitted from this IP address');
      if (!refererPermitted(c.permittedReferer, headerOf(ctx, 'referer')))
        return errorResponse('INVALID_CREDENTIALS', 'The API key is not permitted from this referer');
    }
  } else {
    return errorResponse(
      'MISSING_CREDENTIALS',
      config.oauth2
        ? undefined
        : config.apiKey
          ? `Invalid Credentials. Make sure your API invocation call has a header: "${config.apiKeyHeader}: API_KEY"`
          : `Invalid Credentials. Make sure your API invocation call has a header: "${config.authorizationHeader}: Basic <credentials>"`,
    );
  }
  if (!result.ok) return errorResponse(result.error, result.description);
  ctx.credential = toCredential(kind, result.token, deps);
  return undefined;
}

/** Basic user credentials: no application, so subscription checks do not apply (as in WSO2). */
async function authenticateBasic(
  ctx: RequestContext,
  authorization: string,
  config: AuthenticationConfig,
  deps: GatewayDeps,
): Promise<Outcome> {
  ctx.backendHeaders[config.authorizationHeader] = null;
  const credentials = parseBasic(authorization);
  if (!credentials) return errorResponse('INVALID_CREDENTIALS', 'The Basic credentials are not well formed');
  let result;
  try {
    result = await deps.credentials.basic.verify(credentials.username, credentials.password, ctx.clientIp);
  } catch (e) {
    deps.logger.warn({ err: (e as Error).message }, 'Basic credentials check failed');
    return errorResponse('INVALID_CREDENTIALS', 'The credentials could not be verified now');
  }
  if (!result.ok) return errorResponse(result.error, result.description);
  ctx.credential = {
    kind: 'basic',
    consumerKey: null,
    applicationId: null,
    application: null,
    keyType: 'PRODUCTION',
    username: result.username,
    scopes: new Set(),
    claims: { roles: result.roles },
  };
  return undefined;
}

function toCredential(kind: Credential['kind'], t: VerifiedToken, deps: GatewayDeps): Credential {
  const claims = t.claims;
  if (kind === 'apiKey') {
    const app = claims.application as { id?: unknown } | undefined;
    const applicationId = typeof app?.id === 'string' ? app.id : null;
    return {
      kind,
      consumerKey: null,
      applicationId,
      application: applicationId ? (deps.state.applications.get(applicationId) ?? null) : null,
      keyType: keyTypeOf(claims.keytype),
      username: usernameOf(t),
      scopes: new Set(),
      claims,
    };
  }
  const consumerKey = deps.credentials.clientIdOf(t);
  const mapping = consumerKey ? deps.state.keyMappings.get(consumerKey) : undefined;
  return {
    kind,
    consumerKey,
    applicationId: mapping?.applicationId ?? null,
    application: mapping ? (deps.state.applications.get(mapping.applicationId) ?? null) : null,
    keyType: mapping?.keyType ?? keyTypeOf(claims.keytype),
    username: usernameOf(t),
    scopes: deps.credentials.scopesOf(t),
    claims,
  };
}

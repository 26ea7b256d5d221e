import type { Socket } from 'node:net';
import { keyMappingKey, type KeyType } from '@apim/contracts';
import { ALL_KEY_MANAGERS, API_DEFAULTS } from '@apim/rest-contract';
import { ipPermitted, refererPermitted } from './api-key-restrictions.js';
import { parseBasic } from './basic-auth.js';
import { admittedCertificate, type AdmittedCertificate } from './client-certificate.js';
import type { KeyManagerAllowance, Verification, VerifiedToken } from './verification.js';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import { RequestLocal } from '../../pipeline/request-local.js';
import { errorResponse } from '../../pipeline/respond.js';
import type { Credential, Outcome, RequestContext } from '../../pipeline/types.js';
import { isWebSocketHandshake } from '../../transport/upgrade.js';
import { schema, type AuthenticationConfig } from './schema.js';
import { authenticationServices, type AuthenticationServices } from './services.js';

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
/** RFC 9449 §7.1: a DPoP-bound token travels in the DPoP scheme, with Bearer's token syntax */
const DPOP = /^DPoP[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * The last access token a connection presented and its verification. Keep-alive clients send the
 * same Authorization header request after request: comparing it with the last one is cheaper than
 * parsing it and finding a ~1 KB token in the verification cache (which hashes the whole string).
 * Every use still passes the expiry, type and revocation checks (CredentialVerifier.reuse), and a
 * sender-constrained token its proof: a DPoP proof is per request, never remembered.
 */
const LAST_BEARER = Symbol('apim.lastBearer');
type RememberingSocket = Socket & {
  [LAST_BEARER]?: {
    header: string;
    token: VerifiedToken;
    generation: number;
    scheme: 'Bearer' | 'DPoP';
    accessToken: string;
  };
};
const BASIC_SCHEME = /^Basic[ \t]/i;

/** The token of a long-lived exchange (a WebSocket connection, an event stream), checked again when access changes. */
const heldToken = new RequestLocal<VerifiedToken>();

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
 * Who is calling: a client certificate of the API presented in the TLS handshake (`mutualssl`),
 * then an OAuth2 access token (a JWT from the key manager or a trusted issuer, or an opaque token by
 * introspection) or Basic user credentials (checked at the key manager) in the API's authorization
 * header, or an API key in its API key header. Resources with auth disabled, and prototyped APIs,
 * are open; operations with a rule are left to rule-access. The credential headers never reach the backend.
 *
 * As in WSO2: `mutualssl_mandatory` refuses a request without an admitted certificate (900901);
 * `oauth_basic_auth_api_key_mandatory` needs an application-level credential as well; with neither
 * flag, an admitted certificate is enough and without one the other schemes decide. An API with
 * only `mutualssl` needs the certificate; one without it needs an application-level credential.
 */
export const authentication: HandlerModule<AuthenticationConfig, AuthenticationServices> = {
  name: 'authentication',
  schema,
  init: authenticationServices,
  configOf(api) {
    if (api.lifecycleStatus === 'PROTOTYPED') return null;
    const schemes = new Set(api.securitySchemes);
    const mutualSsl = schemes.has('mutualssl') || schemes.has('mutualssl_mandatory');
    const apiKey = schemes.has('api_key');
    const basic = schemes.has('basic_auth');
    // an API that names no scheme of ours is OAuth2-secured, as in WSO2
    const oauth2 = schemes.has('oauth2') || (!apiKey && !basic && !mutualSsl);
    const application = oauth2 || apiKey || basic;
    return {
      oauth2,
      apiKey,
      basic,
      applicationMandatory: application && (!mutualSsl || schemes.has('oauth_basic_auth_api_key_mandatory')),
      authorizationHeader: (api.authorizationHeader || API_DEFAULTS.authorizationHeader).toLowerCase(),
      apiKeyHeader: (api.apiKeyHeader || API_DEFAULTS.apiKeyHeader).toLowerCase(),
      mutualSsl: mutualSsl
        ? {
            mandatory: schemes.has('mutualssl_mandatory') || !application,
            certificates: api.clientCertificates ?? [],
          }
        : null,
      basicScopes: basic ? Object.fromEntries((api.scopes ?? []).map((s) => [s.name, s.roles])) : {},
      keyManagers: !api.keyManagers || api.keyManagers.includes(ALL_KEY_MANAGERS) ? null : api.keyManagers,
    };
  },
  create(config, services) {
    const certificates = new Map<string, AdmittedCertificate>(
      (config.mutualSsl?.certificates ?? []).map((c) => [
        c.fingerprint,
        {
          ...c,
          keyType: c.keyType ?? 'PRODUCTION',
          userName: c.userName ?? null,
          notBefore: Date.parse(c.notBefore),
          notAfter: Date.parse(c.notAfter),
        },
      ]),
    );
    const basicScopes = Object.entries(config.basicScopes);
    const allowed: KeyManagerAllowance = config.keyManagers ? new Set(config.keyManagers) : null;
    return {
      name: 'authentication',
      onRequest: (ctx) => authenticate(ctx, config, certificates, basicScopes, allowed, services),
      // an open WebSocket connection or event stream ends when its token or API key is revoked
      onRecheck(ctx) {
        const token = heldToken.get(ctx);
        const expect = token?.claims.token_type === 'apiKey' ? 'apiKey' : 'access';
        const v = token && services.credentials.reuse(token, services.credentials.generation, expect);
        return v && !v.ok ? errorResponse(v.error, 'The credential was revoked') : undefined;
      },
    };
  },
};

type ScopeBindings = ReadonlyArray<[scope: string, roles: string[]]>;

async function authenticate(
  ctx: RequestContext,
  config: AuthenticationConfig,
  certificates: ReadonlyMap<string, AdmittedCertificate>,
  basicScopes: ScopeBindings,
  allowed: KeyManagerAllowance,
  services: AuthenticationServices,
): Promise<Outcome> {
  // an operation with a rule is governed by its rule alone (rule-access)
  if (!ctx.operation.authEnabled || ctx.operation.rule) return undefined;
  if (config.mutualSsl) {
    const admitted = admittedCertificate(ctx.req.socket, certificates);
    if (typeof admitted !== 'string') {
      if (!config.applicationMandatory) {
        ctx.credential = certificateCredential(admitted);
        // an application credential sent as well is not used, and not passed on either
        if (config.oauth2 || config.basic) ctx.backendHeaders[config.authorizationHeader] = null;
        if (config.apiKey) ctx.backendHeaders[config.apiKeyHeader] = null;
        return undefined;
      }
    } else if (config.mutualSsl.mandatory) return errorResponse('INVALID_CREDENTIALS', admitted);
  }
  return authenticateApplication(ctx, config, basicScopes, allowed, services);
}

/**
 * A caller known by its client certificate: no application; the certificate's tier throttles it, its
 * key type picks the endpoints, and its subject's common name is the user name (as in WSO2).
 */
function certificateCredential(c: AdmittedCertificate): Credential {
  return {
    kind: 'mutualssl',
    consumerKey: null,
    applicationId: null,
    application: null,
    keyType: c.keyType,
    username: c.userName,
    scopes: new Set(),
    claims: {},
    clientCertificate: { alias: c.alias, fingerprint: c.fingerprint, tier: c.tier },
  };
}

async function authenticateApplication(
  ctx: RequestContext,
  config: AuthenticationConfig,
  basicScopes: ScopeBindings,
  allowed: KeyManagerAllowance,
  services: AuthenticationServices,
): Promise<Outcome> {
  const authorization = config.oauth2 || config.basic ? headerOf(ctx, config.authorizationHeader) : undefined;
  const apiKey = config.apiKey ? headerOf(ctx, config.apiKeyHeader) : undefined;
  let result: Verification;
  let kind: Credential['kind'];
  if (authorization !== undefined) {
    if (config.basic && BASIC_SCHEME.test(authorization))
      return authenticateBasic(ctx, authorization, config, basicScopes, services);
    kind = 'oauth2';
    ctx.backendHeaders[config.authorizationHeader] = null;
    const socket = ctx.req.socket as RememberingSocket;
    const last = socket[LAST_BEARER];
    const reused =
      config.oauth2 && last?.header === authorization
        ? services.credentials.reuse(last.token, last.generation, 'access')
        : null;
    let scheme: 'Bearer' | 'DPoP' = 'Bearer';
    let accessToken: string;
    if (reused) {
      result = reused;
      ({ scheme, accessToken } = last!);
    } else {
      let m = config.oauth2 ? BEARER.exec(authorization) : null;
      if (!m && config.oauth2 && (m = DPOP.exec(authorization))) scheme = 'DPoP';
      if (!m)
        return errorResponse(
          'INVALID_CREDENTIALS',
          `The authorization header must be ${[config.oauth2 && '"Bearer <access token>"', config.oauth2 && '"DPoP <access token>"', config.basic && '"Basic <credentials>"'].filter(Boolean).join(' or ')}`,
        );
      const token = (accessToken = m[1]!);
      const generation = services.credentials.generation;
      try {
        result =
          token.split('.').length === 3
            ? await services.credentials.verifyJwt(token, 'access')
            : await services.credentials.introspect(token, allowed);
      } catch (e) {
        services.logger.warn({ err: (e as Error).message }, 'token verification failed');
        return errorResponse('CREDENTIALS_UNVERIFIABLE', 'The access token cannot be verified now', {
          'retry-after': '1',
        });
      }
      if (result.ok)
        socket[LAST_BEARER] = { header: authorization, token: result.token, generation, scheme, accessToken };
    }
    if (result.ok && allowed && !allowed.has(result.token.issuer.name))
      return errorResponse(
        'INVALID_CREDENTIALS',
        `This API does not accept tokens of the key manager '${result.token.issuer.name}'`,
      );
    // Only tokens with `cnf`, or sent with the DPoP scheme, go further: a plain Bearer token pays one
    // property read. Checked after verification (and after a reuse): a proof belongs to one request.
    if (result.ok && (scheme === 'DPoP' || result.token.claims.cnf !== undefined)) {
      if (scheme === 'DPoP') ctx.backendHeaders.dpop = null;
      const refused = await services.senderConstraints.check(
        result.token.claims,
        scheme,
        accessToken,
        ctx.req,
      );
      if (refused)
        return errorResponse('INVALID_CREDENTIALS', refused.description, {
          'www-authenticate': refused.challenge,
        });
    }
  } else if (apiKey !== undefined) {
    kind = 'apiKey';
    result = await services.credentials.verifyJwt(apiKey.trim(), 'apiKey');
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
  if (!result.ok)
    return errorResponse(
      result.error,
      result.apiKeyAsBearer
        ? config.apiKey
          ? `An API key is not an access token: send it in the "${config.apiKeyHeader}" header`
          : 'An API key is not an access token, and this API does not take API keys'
        : result.description,
      result.headers,
    );
  ctx.credential = toCredential(kind, result.token, services);
  // long-lived exchanges keep their token, for onRecheck to refuse once it is revoked
  if (ctx.api.type === 'SSE' || isWebSocketHandshake(ctx.req)) heldToken.set(ctx, result.token);
  return undefined;
}

/**
 * Basic user credentials: no application, so subscription checks do not apply (as in WSO2). The
 * user holds the API's scopes bound to one of its roles, and those bound to no role.
 */
async function authenticateBasic(
  ctx: RequestContext,
  authorization: string,
  config: AuthenticationConfig,
  basicScopes: ScopeBindings,
  services: AuthenticationServices,
): Promise<Outcome> {
  ctx.backendHeaders[config.authorizationHeader] = null;
  const credentials = parseBasic(authorization);
  if (!credentials) return errorResponse('INVALID_CREDENTIALS', 'The Basic credentials are not well formed');
  let result;
  try {
    result = await services.credentials.basic.verify(
      credentials.username,
      credentials.password,
      ctx.clientIp,
    );
  } catch (e) {
    services.logger.warn({ err: (e as Error).message }, 'Basic credentials check failed');
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
    scopes: new Set(
      basicScopes
        .filter(([, roles]) => roles.length === 0 || roles.some((r) => result.roles.includes(r)))
        .map(([scope]) => scope),
    ),
    claims: { roles: result.roles },
  };
  return undefined;
}

function toCredential(
  kind: Credential['kind'],
  t: VerifiedToken,
  services: AuthenticationServices,
): Credential {
  const claims = t.claims;
  if (kind === 'apiKey') {
    const app = claims.application as { id?: unknown } | undefined;
    const applicationId = typeof app?.id === 'string' ? app.id : null;
    return {
      kind,
      consumerKey: null,
      applicationId,
      application: applicationId ? (services.state.applications.get(applicationId) ?? null) : null,
      keyType: keyTypeOf(claims.keytype),
      username: usernameOf(t),
      scopes: new Set(),
      claims,
    };
  }
  // an application is found by its key manager and consumer key together: a consumer key is no
  // secret, and another provider's token naming it must get nothing of that application
  const consumerKey = services.credentials.clientIdOf(t);
  const mapping = consumerKey
    ? services.state.keyMappings.get(keyMappingKey(t.issuer.name, consumerKey))
    : undefined;
  const application = mapping ? (services.state.applications.get(mapping.applicationId) ?? null) : null;
  return {
    kind,
    consumerKey,
    applicationId: mapping?.applicationId ?? null,
    application,
    // an external provider's token says nothing we take about key types: only its mapping does
    keyType: mapping?.keyType ?? (t.issuer.builtIn ? keyTypeOf(claims.keytype) : 'PRODUCTION'),
    // a token the application got for itself (client credentials, "aut": "APPLICATION") acts for
    // the application's owner, as WSO2's do; its `sub` is only the client id
    username:
      t.issuer.builtIn && claims.aut === 'APPLICATION' && application ? application.ownerName : usernameOf(t),
    scopes: services.credentials.scopesOf(t),
    claims,
    ...(t.issuer.builtIn ? {} : { mappedClaims: services.credentials.mappedClaimsOf(t) }),
  };
}

/**
 * The internal API the control plane uses to manage the OAuth clients behind application keys,
 * API keys and revocations, and gateways use to check Basic credentials: /internal/v1,
 * `Authorization: Bearer <APIM_INTERNAL_SECRET>`.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { PrismaClient } from '@apim/db';
import { constantTimeEqual, normaliseAddress, type Logger, type TrustedProxies } from '@apim/service';
import { issueApiKey, parseApiKeyRequest } from '../models/api-keys.js';
import { callerAddress } from '../helpers/caller-address.js';
import { parseClientInput, type ClientInput, type ClientService } from '../models/clients.js';
import { ApiError } from '../helpers/api-error.js';
import type { ProviderHolder } from '../provider/provider-holder.js';
import { revokeTokenId } from '../models/revocations.js';
import { signingKeyAt, type SigningKeyStore } from '../models/signing-keys.js';
import type { UserLogin } from '../models/user-login.js';
import { BUILT_IN_CLIENTS } from '../models/builtin-clients.js';
import type { OwnerTokenRequest, TokenEndpointAnswer } from '../provider/owner-tokens.js';

/** Stored expiry of a revoked token that never expires (an API key without validity period). */
const NEVER = new Date('9999-12-31T00:00:00Z');

export interface InternalApiDeps {
  prisma: PrismaClient;
  clients: ClientService;
  keyStore: SigningKeyStore;
  holder: ProviderHolder;
  issuer: string;
  internalSecret: string;
  logger: Logger;
  logins: UserLogin;
  proxies: TrustedProxies;
  /** a client_credentials token of the client without its secret (provider/owner-tokens.ts) */
  ownerToken: (clientId: string, request: OwnerTokenRequest) => Promise<TokenEndpointAnswer>;
}

/** The body of an owner-token request: scopes (names without spaces) and a validity period. */
function parseOwnerTokenRequest(body: unknown): OwnerTokenRequest {
  const b = (body ?? {}) as { scopes?: unknown; validityPeriod?: unknown };
  const scopes = b.scopes ?? [];
  if (
    !Array.isArray(scopes) ||
    scopes.length > 100 ||
    !scopes.every((s) => typeof s === 'string' && /^[^\s]{1,256}$/.test(s))
  )
    throw ApiError.badRequest('scopes must be an array of at most 100 scope names without spaces');
  const v = b.validityPeriod;
  if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || (v < 1 && v !== -1)))
    throw ApiError.badRequest(
      "validityPeriod must be a whole number of seconds above 0, or -1 for the client's",
    );
  return { scopes: scopes as string[], validityPeriod: v };
}

/** A non-empty string of at most `max` characters without NUL, or a 400. */
function credentialField(body: Record<string, unknown>, name: string, max: number): string {
  const v = body[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > max || v.includes('\0'))
    throw ApiError.badRequest(`${name} must be a non-empty string of at most ${max} characters`);
  return v;
}

function requireInternalSecret(secret: string) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match || !constantTimeEqual(match[1]!, secret)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="apim-internal"');
      throw new ApiError(401, 'Unauthorized', 'A valid internal secret is required (Authorization: Bearer)');
    }
    await next();
  };
}

export function errorResponder(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (e) {
      const err = e as Error & { status?: number; expose?: boolean; error_description?: string };
      if (e instanceof ApiError) {
        ctx.status = e.status;
        ctx.body = e.toBody();
      } else if (err.name === 'InvalidClientMetadata' || err.name === 'InvalidRedirectUri') {
        ctx.status = 400;
        ctx.body = ApiError.badRequest(err.error_description ?? err.message).toBody();
      } else if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        // body parser (http-errors): malformed JSON, too large, unsupported charset
        ctx.status = err.status;
        ctx.body = { code: err.status, message: 'Bad Request', description: err.message };
      } else {
        logger.error({ err }, 'internal API error');
        ctx.status = 500;
        ctx.body = { code: 500, message: 'Internal Server Error', description: 'Unexpected error' };
      }
    }
  };
}

export function internalApi(deps: InternalApiDeps): Router {
  const { clients } = deps;
  const router = new Router({ prefix: '/internal/v1' });
  router.use(requireInternalSecret(deps.internalSecret));

  router.post('/clients', async (ctx) => {
    const created = await clients.create(parseClientInput(ctx.request.body, false) as ClientInput);
    ctx.status = 201;
    ctx.body = created;
  });
  router.get('/clients/:clientId', async (ctx) => {
    ctx.body = await clients.get(ctx.params.clientId!);
  });
  router.patch('/clients/:clientId', async (ctx) => {
    ctx.body = await clients.update(ctx.params.clientId!, parseClientInput(ctx.request.body, true));
  });
  router.delete('/clients/:clientId', async (ctx) => {
    await clients.delete(ctx.params.clientId!);
    ctx.status = 204;
  });
  router.post('/clients/:clientId/regenerate-secret', async (ctx) => {
    ctx.body = await clients.regenerateSecret(ctx.params.clientId!);
  });
  router.post('/clients/:clientId/revoke-tokens', async (ctx) => {
    await clients.revokeTokens(ctx.params.clientId!);
    ctx.status = 204;
  });

  /**
   * A token of the client for its application's owner, who has no secret to give (the control
   * plane checked who they are and that they own the application). Answers like the token
   * endpoint; its refusals (a grant the client lacks, a bad scope) as 400.
   */
  router.post('/clients/:clientId/tokens', async (ctx) => {
    const request = parseOwnerTokenRequest(ctx.request.body);
    const clientId = ctx.params.clientId!;
    if (BUILT_IN_CLIENTS.has(clientId))
      throw ApiError.conflict(`${clientId} is a built-in client: it belongs to no application`);
    await clients.get(clientId); // 404 for a client that does not exist
    const answer = await deps.ownerToken(clientId, request);
    if (answer.status === 200) {
      ctx.body = answer.body;
      return;
    }
    const description = answer.body.error_description ?? answer.body.error;
    const text = typeof description === 'string' ? description : 'the token endpoint refused the request';
    if (answer.status === 429) throw new ApiError(429, 'Too Many Requests', text);
    if (answer.status >= 500) throw new Error(`the token endpoint answered ${answer.status}: ${text}`);
    throw ApiError.badRequest(text);
  });

  router.post('/api-keys', async (ctx) => {
    const request = parseApiKeyRequest(ctx.request.body);
    const key = signingKeyAt(deps.holder.publishedKeys);
    if (!key) throw new Error('no signing key is active');
    ctx.status = 201;
    ctx.body = await issueApiKey(deps.prisma, deps.issuer, key, request);
  });

  router.post('/tokens/revoke', async (ctx) => {
    const body = (ctx.request.body ?? {}) as { jti?: unknown; expiresAt?: unknown };
    if (typeof body.jti !== 'string' || !body.jti || body.jti.length > 256)
      throw ApiError.badRequest('jti must be a non-empty string');
    const expiresAt =
      body.expiresAt === null || body.expiresAt === undefined ? NEVER : new Date(String(body.expiresAt));
    if (Number.isNaN(expiresAt.getTime()))
      throw ApiError.badRequest('expiresAt must be an ISO date-time or null');
    const jti = body.jti;
    await deps.prisma.$transaction((tx) => revokeTokenId(tx, jti, expiresAt));
    ctx.status = 204;
  });

  /**
   * Checks a user's password for a gateway (APIs secured with Basic auth), under the same
   * per-address, per-username and per-account locks as the login page. `clientIp` is the address
   * the gateway's caller came from (the lock is per end user, not per gateway).
   */
  router.post('/users/verify', async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const username = credentialField(body, 'username', 256);
    const password = credentialField(body, 'password', 1024);
    const clientIp =
      body.clientIp === undefined
        ? callerAddress(deps.proxies, ctx.req)
        : normaliseAddress(credentialField(body, 'clientIp', 64));
    const result = await deps.logins.check(username, password, clientIp);
    if (!result.ok) {
      if (result.retryAfter) ctx.set('Retry-After', String(result.retryAfter));
      throw new ApiError(401, 'Unauthorized', 'Invalid username or password');
    }
    const roles = await deps.prisma.userRole.findMany({
      where: { user: { username: result.username } },
      select: { roleName: true },
      orderBy: { roleName: 'asc' },
    });
    ctx.body = { username: result.username, roles: roles.map((r) => r.roleName) };
  });

  /** Publishes a new signing key (it signs after `leadSeconds`, default APIM_SIGNING_KEY_LEAD_SECONDS). */
  router.post('/signing-keys/rotate', async (ctx) => {
    const lead = (ctx.request.body as { leadSeconds?: unknown } | undefined)?.leadSeconds;
    if (
      lead !== undefined &&
      (typeof lead !== 'number' || !Number.isInteger(lead) || lead < 0 || lead > 86_400)
    )
      throw ApiError.badRequest('leadSeconds must be a whole number from 0 to 86400');
    const kid = await deps.keyStore.rotate({ leadSeconds: lead as number | undefined });
    await deps.holder.refresh();
    ctx.status = 201;
    ctx.body = { kid };
  });

  /** An initial access token for RFC 7591 dynamic client registration at /oauth2/register. */
  router.post('/initial-access-tokens', async (ctx) => {
    const { InitialAccessToken } = deps.holder.current;
    const token = await new InitialAccessToken({ expiresIn: 86_400 }).save();
    ctx.status = 201;
    ctx.body = { initialAccessToken: token, expiresIn: 86_400 };
  });

  return router;
}

/**
 * Access tokens of an application key: client_credentials with the secret the caller gives, from
 * the resident key manager or the external provider the key belongs to; or, without the secret,
 * for the application's signed-in owner from the resident key manager (as WSO2's devportal
 * generates them: the secret is shown once and stored hashed), with scopes the application's
 * subscribed APIs define.
 */
import { decodeJwt } from 'jose';
import { Scopes, type KeyType } from '@apim/contracts';
import { keyType, type Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { badRequest, HttpError } from '../http/errors.js';
import type { Principal } from '../http/auth.js';
import { operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import { clientCredentialsToken } from '../key-managers/external-provider.js';
import { keyManagerOfKey } from '../key-managers/key-managers.js';
import { findKey, type KeyRow } from './oauth-key.js';

export function tokenOperations({ prisma, keyManager, config }: AppContext): OperationSpec<never, never>[] {
  const access = [Scopes.appManage, Scopes.subscribe];
  const appParam = { applicationId: { type: 'string', format: 'uuid' } };

  /**
   * Scopes an application may ask for without its secret: those of the APIs it is subscribed to
   * (its operations' and the API's own scopes), so a token for try-it holds what those need.
   */
  async function subscribedScopes(applicationId: string): Promise<Set<string>> {
    const apis = await prisma.api.findMany({
      where: {
        subscriptions: { some: { applicationId, status: { in: ['UNBLOCKED', 'PROD_ONLY_BLOCKED'] } } },
      },
      select: { operations: { select: { scopes: true } }, scopes: { select: { name: true } } },
    });
    return new Set(
      apis.flatMap((a) => [...a.operations.flatMap((o) => o.scopes), ...a.scopes.map((s) => s.name)]),
    );
  }

  /** The owner's token without the secret: refused to anyone else, even an administrator. */
  async function ownerToken(
    caller: Principal,
    app: { id: string; ownerId: string },
    key: KeyRow,
    body: Devportal.ApplicationTokenGenerateRequest,
  ) {
    if (app.ownerId !== caller.userId)
      throw new HttpError(
        403,
        "Only the application's owner gets tokens without the consumer secret: give the secret",
      );
    const scopes = body.scopes ?? [];
    if (scopes.length) {
      const allowed = await subscribedScopes(app.id);
      const unknown = scopes.filter((s) => !allowed.has(s));
      if (unknown.length)
        throw badRequest(
          `Scope${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `'${s}'`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not defined by an API this application is subscribed to`,
        );
    }
    return keyManager.ownerToken(key.consumerKey, { scopes, validityPeriod: body.validityPeriod });
  }

  async function residentToken(
    caller: Principal,
    app: { id: string; ownerId: string },
    key: KeyRow,
    body: Devportal.ApplicationTokenGenerateRequest,
  ) {
    if (body.revokeToken) {
      let claims;
      try {
        claims = decodeJwt(body.revokeToken);
      } catch {
        throw badRequest("'revokeToken' is not a token issued by the key manager");
      }
      if (
        claims.client_id !== key.consumerKey ||
        typeof claims.jti !== 'string' ||
        typeof claims.exp !== 'number'
      )
        throw badRequest("'revokeToken' was not issued to this key");
      await keyManager.revokeToken(claims.jti, new Date(claims.exp * 1000).toISOString());
    }
    if (!body.consumerSecret) return ownerToken(caller, app, key, body);
    return keyManager.clientCredentialsToken(key.consumerKey, body.consumerSecret, {
      scopes: body.scopes ?? [],
      validityPeriod: body.validityPeriod,
    });
  }

  async function generateToken(
    caller: Principal,
    { app, key }: { app: { id: string; ownerId: string }; key: KeyRow },
    body: Devportal.ApplicationTokenGenerateRequest,
  ) {
    // -1 (or nothing) asks for the key's validity time
    if (body.validityPeriod !== undefined && body.validityPeriod < 1 && body.validityPeriod !== -1)
      throw badRequest(
        "'validityPeriod' must be a whole number of seconds above 0, or -1 for the key's validity time",
      );
    const km = await keyManagerOfKey(prisma, config.internalSecret, key.keyManager);
    let token;
    if (km.kind === 'resident') token = await residentToken(caller, app, key, body);
    else {
      if (!body.consumerSecret)
        throw badRequest(
          `'consumerSecret' is required: the key manager '${km.name}' issues tokens only to the client's credentials`,
        );
      // We hold no revocation endpoint or credentials for an external provider's tokens.
      if (body.revokeToken)
        throw badRequest(`Tokens of the key manager '${km.name}' are revoked at '${km.name}', not here`);
      if (!km.tokenEndpoint)
        throw badRequest(
          `The key manager '${km.name}' has no token endpoint configured: get tokens from it directly`,
        );
      // validityPeriod is ours: external providers decide their tokens' lifetime themselves.
      token = await clientCredentialsToken(
        { name: km.name, tokenEndpoint: km.tokenEndpoint },
        key.consumerKey,
        body.consumerSecret,
        body.scopes ?? [],
      );
    }
    return {
      accessToken: token.access_token,
      tokenScopes: token.scope ? token.scope.split(' ') : [],
      validityTime: token.expires_in ?? 0,
    };
  }

  const tokenBody = ref('ApplicationTokenGenerateRequest');
  const responses = { 200: { description: 'The token', schema: ref('ApplicationToken') } };

  return [
    operation<Devportal.ApplicationTokenGenerateRequest>({
      method: 'post',
      path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/generate-token',
      operationId: 'applicationsApplicationIdOauthKeysKeyMappingIdGenerateTokenPost',
      summary:
        "Get an access token with client_credentials from the key manager of the key: with the consumer secret, or without it for the application's owner (resident key manager)",
      tag: 'Application Tokens',
      access,
      params: { ...appParam, keyMappingId: { type: 'string', format: 'uuid' } },
      body: tokenBody,
      responses,
      async handle(req) {
        const caller = callerOf(req);
        const found = await findKey(prisma, caller, req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        return { status: 200, body: await generateToken(caller, found, req.body) };
      },
    }),
    operation<Devportal.ApplicationTokenGenerateRequest>({
      method: 'post',
      path: '/applications/{applicationId}/keys/{keyType}/generate-token',
      operationId: 'applicationsApplicationIdKeysKeyTypeGenerateTokenPost',
      summary: 'Get an access token for the key of this type (older WSO2 path; the resident key first)',
      tag: 'Application Tokens',
      access,
      params: { ...appParam, keyType },
      body: tokenBody,
      responses,
      async handle(req) {
        const caller = callerOf(req);
        const found = await findKey(prisma, caller, req.params.applicationId!, {
          keyType: req.params.keyType as KeyType,
        });
        return { status: 200, body: await generateToken(caller, found, req.body) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/**
 * OAuth keys (one client in the key manager per application and key type), access tokens and API
 * keys. The consumer secret is shown once, when generated or regenerated; it is never stored here.
 */
import { isIP } from 'node:net';
import { decodeJwt } from 'jose';
import { Scopes, type KeyType } from '@apim/contracts';
import { appendGatewayEvent, type Prisma } from '@apim/db';
import type { AppContext } from '../context.js';
import { gatewayKeyMapping } from '../events/gateway-views.js';
import type { Principal } from '../http/auth.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../http/errors.js';
import { operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import type { ClientInfo } from '../keys/key-manager-client.js';
import { ownedApplication } from './access.js';
import { keyType } from './schemas.js';

const KEY_MANAGER = 'Resident Key Manager';

interface GenerateKeysBody {
  keyType: KeyType;
  grantTypesToBeSupported?: string[];
  callbackUrl?: string | null;
  scopes?: string[];
  validityTime?: string | number;
}

interface TokenBody {
  consumerSecret: string;
  /** seconds; -1: the key's validity time */
  validityPeriod?: number;
  scopes?: string[];
  revokeToken?: string | null;
}

type KeyRow = Prisma.ApplicationKeyGetPayload<object>;

function keyDto(key: KeyRow, client: ClientInfo, consumerSecret?: string) {
  return {
    keyMappingId: key.id,
    keyManager: key.keyManager,
    consumerKey: key.consumerKey,
    ...(consumerSecret ? { consumerSecret } : {}),
    supportedGrantTypes: client.grantTypes,
    callbackUrl: client.callbackUrl,
    keyState: 'COMPLETED',
    keyType: key.keyType,
    mode: 'CREATED',
    additionalProperties: { application_access_token_expiry_time: String(client.accessTokenTtl) },
  };
}

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function checkIpList(list: string[]): void {
  for (const entry of list) {
    const [ip, bits] = entry.split('/');
    const family = isIP(ip ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits)))
      throw badRequest(`'${entry}' in permittedIP is not an IP address or CIDR range`);
  }
}

export function keyOperations({ prisma, keyManager, log }: AppContext): OperationSpec<never, never>[] {
  const access = [Scopes.appManage, Scopes.subscribe];
  const appParam = { applicationId: { type: 'string', format: 'uuid' } };
  const keyParams = { ...appParam, keyMappingId: { type: 'string', format: 'uuid' } };

  async function findKey(
    principal: Principal,
    applicationId: string,
    where: { id: string } | { keyType: KeyType },
  ) {
    const app = await ownedApplication(prisma, principal, applicationId);
    const key = await prisma.applicationKey.findFirst({
      where: { applicationId: app.id, keyManager: KEY_MANAGER, ...where },
    });
    if (!key) throw notFound('Application key');
    return { app, key };
  }

  async function generateToken(key: KeyRow, body: TokenBody) {
    // -1 (or nothing) asks for the key's validity time
    if (body.validityPeriod !== undefined && body.validityPeriod < 1 && body.validityPeriod !== -1)
      throw badRequest(
        "'validityPeriod' must be a whole number of seconds above 0, or -1 for the key's validity time",
      );
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
    const token = await keyManager.clientCredentialsToken(key.consumerKey, body.consumerSecret, {
      scopes: body.scopes ?? [],
      validityPeriod: body.validityPeriod,
    });
    return {
      accessToken: token.access_token,
      tokenScopes: token.scope ? token.scope.split(' ') : [],
      validityTime: token.expires_in,
    };
  }

  const tokenBody = ref('ApplicationTokenGenerateRequest');

  return [
    operation<GenerateKeysBody>({
      method: 'post',
      path: '/applications/{applicationId}/generate-keys',
      operationId: 'applicationsApplicationIdGenerateKeysPost',
      summary: 'Create the OAuth client of a key type (the consumer secret is shown only now)',
      tag: 'Application Keys',
      access,
      params: appParam,
      body: ref('ApplicationKeyGenerateRequest'),
      responses: { 200: { description: 'The keys', schema: ref('ApplicationKey') } },
      async handle(req) {
        const { params, body } = req;
        const app = await ownedApplication(prisma, callerOf(req), params.applicationId!);
        if (app.status !== 'APPROVED')
          throw conflict(`The application is ${app.status}: keys can be generated once it is approved`);
        const existing = await prisma.applicationKey.findFirst({
          where: { applicationId: app.id, keyType: body.keyType },
        });
        if (existing) throw conflict(`${body.keyType} keys were already generated for this application`);
        const ttl = body.validityTime !== undefined ? Number(body.validityTime) : undefined;
        const client = await keyManager.createClient({
          clientName: `${app.owner.username}_${app.name}_${body.keyType}`.slice(0, 200),
          grantTypes: body.grantTypesToBeSupported ?? ['client_credentials'],
          ...(body.callbackUrl ? { callbackUrl: body.callbackUrl } : {}),
          ...(ttl && ttl > 0 ? { accessTokenTtl: ttl } : {}),
        });
        try {
          const key = await prisma.$transaction(async (tx) => {
            const row = await tx.applicationKey.create({
              data: {
                applicationId: app.id,
                keyType: body.keyType,
                keyManager: KEY_MANAGER,
                consumerKey: client.clientId,
              },
            });
            await appendGatewayEvent(tx, 'KEY_MAPPING_UPSERTED', { keyMapping: gatewayKeyMapping(row) });
            return row;
          });
          return { status: 200, body: keyDto(key, client, client.clientSecret) };
        } catch (e) {
          // Another request won the race (or the database failed): do not leave the client behind.
          await keyManager
            .deleteClient(client.clientId)
            .catch((err: unknown) => log.warn({ err }, 'could not delete OAuth client'));
          if (isUniqueViolation(e))
            throw conflict(`${body.keyType} keys were already generated for this application`);
          throw e;
        }
      },
    }),
    operation({
      method: 'get',
      path: '/applications/{applicationId}/oauth-keys',
      operationId: 'applicationsApplicationIdOauthKeysGet',
      summary: "The application's OAuth keys (without secrets)",
      tag: 'Application Keys',
      access,
      params: appParam,
      responses: { 200: { description: 'Keys', schema: { type: 'object' } } },
      async handle(req) {
        const app = await ownedApplication(prisma, callerOf(req), req.params.applicationId!);
        const keys = await prisma.applicationKey.findMany({
          where: { applicationId: app.id },
          orderBy: { keyType: 'asc' },
        });
        const list = await Promise.all(
          keys.map(async (k) => keyDto(k, await keyManager.getClient(k.consumerKey))),
        );
        return { status: 200, body: { count: list.length, list } };
      },
    }),
    operation({
      method: 'get',
      path: '/applications/{applicationId}/oauth-keys/{keyMappingId}',
      operationId: 'applicationsApplicationIdOauthKeysKeyMappingIdGet',
      summary: 'One OAuth key (without its secret)',
      tag: 'Application Keys',
      access,
      params: keyParams,
      responses: { 200: { description: 'The key', schema: ref('ApplicationKey') } },
      async handle(req) {
        const { key } = await findKey(callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        return { status: 200, body: keyDto(key, await keyManager.getClient(key.consumerKey)) };
      },
    }),
    operation<{
      supportedGrantTypes?: string[];
      callbackUrl?: string | null;
      additionalProperties?: { application_access_token_expiry_time?: string | number };
    }>({
      method: 'put',
      path: '/applications/{applicationId}/oauth-keys/{keyMappingId}',
      operationId: 'applicationsApplicationIdOauthKeysKeyMappingIdPut',
      summary: "Change a key's grant types, callback URL or token validity",
      tag: 'Application Keys',
      access,
      params: keyParams,
      body: ref('ApplicationKeyUpdate'),
      responses: { 200: { description: 'The key', schema: ref('ApplicationKey') } },
      async handle(req) {
        const { body } = req;
        const { key } = await findKey(callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        const ttl = body.additionalProperties?.application_access_token_expiry_time;
        const client = await keyManager.updateClient(key.consumerKey, {
          ...(body.supportedGrantTypes ? { grantTypes: body.supportedGrantTypes } : {}),
          ...(body.callbackUrl !== undefined ? { callbackUrl: body.callbackUrl ?? undefined } : {}),
          ...(ttl !== undefined && Number(ttl) > 0 ? { accessTokenTtl: Number(ttl) } : {}),
        });
        return { status: 200, body: keyDto(key, client) };
      },
    }),
    operation({
      method: 'post',
      path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/regenerate-secret',
      operationId: 'applicationsApplicationIdOauthKeysKeyMappingIdRegenerateSecretPost',
      summary: 'Replace the consumer secret (shown only now)',
      tag: 'Application Keys',
      access,
      params: keyParams,
      responses: { 200: { description: 'The new secret', schema: { type: 'object' } } },
      async handle(req) {
        const { key } = await findKey(callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        const { clientSecret } = await keyManager.regenerateSecret(key.consumerKey);
        return { status: 200, body: { consumerKey: key.consumerKey, consumerSecret: clientSecret } };
      },
    }),
    operation({
      method: 'post',
      path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/clean-up',
      operationId: 'applicationsApplicationIdOauthKeysKeyMappingIdCleanUpPost',
      summary: 'Remove a key (its OAuth client and every token issued to it)',
      tag: 'Application Keys',
      access,
      params: keyParams,
      responses: { 200: { description: 'Removed' } },
      async handle(req) {
        const { key } = await findKey(callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        await prisma.$transaction(async (tx) => {
          await tx.applicationKey.delete({ where: { id: key.id } });
          await appendGatewayEvent(tx, 'KEY_MAPPING_DELETED', { consumerKey: key.consumerKey });
        });
        await keyManager
          .revokeClientTokens(key.consumerKey)
          .catch((err: unknown) => log.warn({ err }, 'could not revoke client tokens'));
        await keyManager
          .deleteClient(key.consumerKey)
          .catch((err: unknown) => log.warn({ err }, 'could not delete OAuth client'));
        return { status: 200 };
      },
    }),
    operation<TokenBody>({
      method: 'post',
      path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/generate-token',
      operationId: 'applicationsApplicationIdOauthKeysKeyMappingIdGenerateTokenPost',
      summary: 'Get an access token with client_credentials (the caller gives the consumer secret)',
      tag: 'Application Tokens',
      access,
      params: keyParams,
      body: tokenBody,
      responses: { 200: { description: 'The token', schema: ref('ApplicationToken') } },
      async handle(req) {
        const { key } = await findKey(callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        return { status: 200, body: await generateToken(key, req.body) };
      },
    }),
    operation<TokenBody>({
      method: 'post',
      path: '/applications/{applicationId}/keys/{keyType}/generate-token',
      operationId: 'applicationsApplicationIdKeysKeyTypeGenerateTokenPost',
      summary: 'Get an access token for the key of this type (older WSO2 path)',
      tag: 'Application Tokens',
      access,
      params: { ...appParam, keyType },
      body: tokenBody,
      responses: { 200: { description: 'The token', schema: ref('ApplicationToken') } },
      async handle(req) {
        const { key } = await findKey(callerOf(req), req.params.applicationId!, {
          keyType: req.params.keyType as KeyType,
        });
        return { status: 200, body: await generateToken(key, req.body) };
      },
    }),
    operation<{
      validityPeriod?: number;
      additionalProperties?: { permittedIP?: string; permittedReferer?: string };
    }>({
      method: 'post',
      path: '/applications/{applicationId}/api-keys/{keyType}/generate',
      operationId: 'applicationsApplicationIdApiKeysKeyTypeGeneratePost',
      summary: 'Issue an API key (shown only now), optionally limited to IPs or referrers',
      tag: 'API Keys',
      access: [Scopes.apiKey, Scopes.appManage],
      params: { ...appParam, keyType },
      body: ref('APIKeyGenerateRequest'),
      responses: { 200: { description: 'The API key', schema: ref('APIKey') } },
      async handle(req) {
        const { body, params } = req;
        const app = await ownedApplication(prisma, callerOf(req), params.applicationId!);
        if (app.status !== 'APPROVED')
          throw conflict(`The application is ${app.status}: API keys can be issued once it is approved`);
        const permittedIps = splitList(body.additionalProperties?.permittedIP);
        checkIpList(permittedIps);
        const permittedReferers = splitList(body.additionalProperties?.permittedReferer);
        const validity = body.validityPeriod && body.validityPeriod > 0 ? body.validityPeriod : -1;
        const issued = await keyManager.issueApiKey({
          applicationId: app.id,
          keyType: params.keyType!,
          validityPeriod: validity,
          permittedIps,
          permittedReferers,
        });
        await prisma.apiKey.create({
          data: {
            applicationId: app.id,
            keyType: params.keyType as KeyType,
            tokenId: issued.jti,
            permittedIps,
            permittedReferers,
            expiresAt: issued.expiresAt ? new Date(issued.expiresAt) : null,
          },
        });
        return { status: 200, body: { keyName: issued.jti, apikey: issued.apikey, validityTime: validity } };
      },
    }),
    operation({
      method: 'get',
      path: '/applications/{applicationId}/api-keys/{keyType}',
      operationId: 'applicationsApplicationIdApiKeysKeyTypeGet',
      summary: "The application's API keys of this type (their ids and limits, never the keys)",
      tag: 'API Keys',
      access: [Scopes.apiKey, Scopes.appManage],
      params: { ...appParam, keyType },
      responses: { 200: { description: 'API keys', schema: { type: 'object' } } },
      async handle(req) {
        const app = await ownedApplication(prisma, callerOf(req), req.params.applicationId!);
        const rows = await prisma.apiKey.findMany({
          where: { applicationId: app.id, keyType: req.params.keyType as KeyType, revokedAt: null },
          orderBy: { createdAt: 'asc' },
        });
        const list = rows.map((k) => ({
          keyName: k.tokenId,
          permittedIP: k.permittedIps.join(','),
          permittedReferer: k.permittedReferers.join(','),
          createdTime: k.createdAt.toISOString(),
          expiresAt: k.expiresAt?.toISOString() ?? null,
        }));
        return { status: 200, body: { count: list.length, list } };
      },
    }),
    operation<{ apikey: string }>({
      method: 'post',
      path: '/applications/{applicationId}/api-keys/{keyType}/revoke',
      operationId: 'applicationsApplicationIdApiKeysKeyTypeRevokePost',
      summary: 'Revoke an API key (every gateway refuses it from now on)',
      tag: 'API Keys',
      access: [Scopes.apiKey, Scopes.appManage],
      params: { ...appParam, keyType },
      body: ref('APIKeyRevokeRequest'),
      responses: { 200: { description: 'Revoked' } },
      async handle(req) {
        const app = await ownedApplication(prisma, callerOf(req), req.params.applicationId!);
        let jti: unknown;
        try {
          jti = decodeJwt(req.body.apikey).jti;
        } catch {
          throw badRequest("'apikey' is not an API key");
        }
        const row =
          typeof jti === 'string' ? await prisma.apiKey.findUnique({ where: { tokenId: jti } }) : null;
        if (!row || row.applicationId !== app.id || row.keyType !== req.params.keyType)
          throw notFound('API key');
        if (!row.revokedAt) {
          await keyManager.revokeToken(
            row.tokenId,
            (row.expiresAt ?? new Date('9999-12-31T00:00:00Z')).toISOString(),
          );
          await prisma.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
        }
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/**
 * API keys (WSO2's): self-contained tokens issued by the key manager, optionally limited to client
 * IPs or referrers. Shown once; only their id, limits and last 4 characters are kept here, so the
 * application's keys can be listed and revoked one by one (WSO2 can revoke only a key one still has).
 */
import { isIP } from 'node:net';
import { decodeJwt } from 'jose';
import { Scopes, type KeyType } from '@apim/contracts';
import type { Prisma } from '@apim/db';
import { keyType, uuid, type Complete, type Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import { ownedApplication } from './access.js';

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

type ApiKeyRow = Prisma.ApiKeyGetPayload<object>;

function keyInfo(k: ApiKeyRow): Complete<Devportal.APIKeyInfo> {
  return {
    keyUUID: k.id,
    keyName: k.tokenId,
    keyType: k.keyType,
    lastCharacters: k.lastCharacters,
    permittedIP: k.permittedIps.join(','),
    permittedReferer: k.permittedReferers.join(','),
    createdTime: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
  };
}

export function apiKeyOperations({ prisma, keyManager }: AppContext): OperationSpec<never, never>[] {
  const appParam = { applicationId: uuid };

  /** Revokes the key at the key manager (every gateway refuses it from then on), then marks it revoked here. */
  async function revoke(row: ApiKeyRow): Promise<void> {
    if (row.revokedAt) return;
    await keyManager.revokeToken(
      row.tokenId,
      (row.expiresAt ?? new Date('9999-12-31T00:00:00Z')).toISOString(),
    );
    await prisma.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
  }

  return [
    operation<Devportal.APIKeyGenerateRequest>({
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
            lastCharacters: issued.apikey.slice(-4),
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
      summary:
        "The application's API keys of this type that are not revoked (what is kept of them, never the keys)",
      tag: 'API Keys',
      access: [Scopes.apiKey, Scopes.appManage],
      params: { ...appParam, keyType },
      responses: { 200: { description: 'API keys', schema: ref('APIKeyInfoList') } },
      async handle(req) {
        const app = await ownedApplication(prisma, callerOf(req), req.params.applicationId!);
        const rows = await prisma.apiKey.findMany({
          where: { applicationId: app.id, keyType: req.params.keyType as KeyType, revokedAt: null },
          orderBy: { createdAt: 'asc' },
        });
        return { status: 200, body: { count: rows.length, list: rows.map(keyInfo) } };
      },
    }),
    operation<Devportal.APIKeyRevokeRequest>({
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
        await revoke(row);
        return { status: 200 };
      },
    }),
    operation({
      method: 'delete',
      path: '/applications/{applicationId}/api-keys/{keyType}/{keyUUID}',
      operationId: 'applicationsApplicationIdApiKeysKeyTypeKeyUUIDDelete',
      summary: 'Revoke an API key by its id in the list (every gateway refuses it from now on)',
      tag: 'API Keys',
      access: [Scopes.apiKey, Scopes.appManage],
      params: { ...appParam, keyType, keyUUID: uuid },
      responses: { 200: { description: 'Revoked' } },
      async handle(req) {
        const app = await ownedApplication(prisma, callerOf(req), req.params.applicationId!);
        const row = await prisma.apiKey.findFirst({
          where: { id: req.params.keyUUID!, applicationId: app.id, keyType: req.params.keyType as KeyType },
        });
        if (!row) throw notFound('API key');
        await revoke(row);
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** The developer portal's operations on an application's OAuth keys (see oauth-key-issuing.ts). */
import { Scopes } from '@apim/contracts';
import type { Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { operation, ref, callerOf, type OperationSpec } from '../http/rest-api.js';
import { requestedKeyManager } from '../key-managers/key-managers.js';
import { deleteRegisteredClientOf } from './registered-clients.js';
import { ownedApplication } from './access.js';
import { findKey, isResident, keyDto, storedKeyDto } from './oauth-key.js';
import { gatewayWrites } from '../model/gateway-writes.js';

import { keyIssuing } from './oauth-key-issuing.js';

export function keyOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma, keyManager, config, log } = ctx;
  const {
    approvedApplication,
    refuseExisting,
    generateResident,
    generateExternal,
    mapKeys,
    createdResidentOnly,
  } = keyIssuing(ctx);
  const access = [Scopes.appManage, Scopes.subscribe];
  const appParam = { applicationId: { type: 'string', format: 'uuid' } };
  const keyParams = { ...appParam, keyMappingId: { type: 'string', format: 'uuid' } };

  return [
    operation<Devportal.ApplicationKeyGenerateRequest>({
      method: 'post',
      path: '/applications/{applicationId}/generate-keys',
      operationId: 'applicationsApplicationIdGenerateKeysPost',
      summary:
        'Create the OAuth client of a key type at a key manager (default: the resident one; an external one by dynamic client registration); the consumer secret is shown only now',
      tag: 'Application Keys',
      access,
      params: appParam,
      body: ref('ApplicationKeyGenerateRequest'),
      responses: { 200: { description: 'The keys', schema: ref('ApplicationKey') } },
      async handle(req) {
        const { body } = req;
        const app = await approvedApplication(req, req.params.applicationId!);
        const km = await requestedKeyManager(prisma, config.internalSecret, body.keyManager);
        await refuseExisting(app, body.keyType, km.name);
        const dto =
          km.kind === 'resident' ? await generateResident(app, body) : await generateExternal(app, km, body);
        return { status: 200, body: dto };
      },
    }),
    operation<Devportal.ApplicationKeyMappingRequest>({
      method: 'post',
      path: '/applications/{applicationId}/map-keys',
      operationId: 'applicationsApplicationIdMapKeysPost',
      summary:
        "Make an existing client of a key manager this application's key (the secret, when given, is checked at the provider and not stored)",
      tag: 'Application Keys',
      access,
      params: appParam,
      body: ref('ApplicationKeyMappingRequest'),
      responses: { 200: { description: 'The key', schema: ref('ApplicationKey') } },
      async handle(req) {
        const app = await approvedApplication(req, req.params.applicationId!);
        return { status: 200, body: await mapKeys(app, req.body) };
      },
    }),
    operation({
      method: 'get',
      path: '/applications/{applicationId}/oauth-keys',
      operationId: 'applicationsApplicationIdOauthKeysGet',
      summary: "The application's OAuth keys from every key manager (without secrets)",
      tag: 'Application Keys',
      access,
      params: appParam,
      responses: { 200: { description: 'Keys', schema: ref('ApplicationKeyList') } },
      async handle(req) {
        const app = await ownedApplication(prisma, callerOf(req), req.params.applicationId!);
        const keys = await prisma.applicationKey.findMany({
          where: { applicationId: app.id },
          orderBy: [{ keyType: 'asc' }, { createdAt: 'asc' }],
        });
        const list = await Promise.all(keys.map((k) => storedKeyDto(keyManager, k)));
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
        const { key } = await findKey(prisma, callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        return { status: 200, body: await storedKeyDto(keyManager, key) };
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
      summary: 'Change the grant types, callback URL or token validity of a resident key we created',
      tag: 'Application Keys',
      access,
      params: keyParams,
      body: ref('ApplicationKeyUpdate'),
      responses: { 200: { description: 'The key', schema: ref('ApplicationKey') } },
      async handle(req) {
        const { body } = req;
        const { key } = await findKey(prisma, callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        createdResidentOnly(key, 'change its client');
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
      summary: 'Replace the consumer secret of a resident key we created (shown only now)',
      tag: 'Application Keys',
      access,
      params: keyParams,
      responses: { 200: { description: 'The new secret', schema: ref('ApplicationKeyReGenerateResponse') } },
      async handle(req) {
        const { key } = await findKey(prisma, callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        createdResidentOnly(key, 'regenerate its secret');
        const { clientSecret } = await keyManager.regenerateSecret(key.consumerKey);
        return { status: 200, body: { consumerKey: key.consumerKey, consumerSecret: clientSecret } };
      },
    }),
    operation({
      method: 'post',
      path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/clean-up',
      operationId: 'applicationsApplicationIdOauthKeysKeyMappingIdCleanUpPost',
      summary:
        'Remove a key: its mapping, and for a client we created, the client (a resident one with every token issued to it; an external one at its provider, by RFC 7592 when the provider offers it)',
      tag: 'Application Keys',
      access,
      params: keyParams,
      responses: { 200: { description: 'Removed' } },
      async handle(req) {
        const { key } = await findKey(prisma, callerOf(req), req.params.applicationId!, {
          id: req.params.keyMappingId!,
        });
        await prisma.$transaction((tx) => gatewayWrites.keyMapping.delete(tx, key));
        // Now that the mapping is gone (gateways refuse the client's tokens from now on), the
        // client goes too when it is ours. A mapped client belongs to someone else: it stays as it
        // is. An external client we registered is deleted at its provider with the RFC 7592
        // credentials kept at registration; one registered without them (the provider offered
        // none, or before they were kept) stays there, and a refusal is logged, not answered.
        if (!isResident(key)) await deleteRegisteredClientOf(log, config.internalSecret, key);
        else if (!key.mapped) {
          await keyManager
            .revokeClientTokens(key.consumerKey)
            .catch((err: unknown) => log.warn({ err }, 'could not revoke client tokens'));
          await keyManager
            .deleteClient(key.consumerKey)
            .catch((err: unknown) => log.warn({ err }, 'could not delete OAuth client'));
        }
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

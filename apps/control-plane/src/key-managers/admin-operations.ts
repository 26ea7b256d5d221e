/**
 * Key managers (WSO2's admin /key-managers): external OpenID providers (Keycloak, Okta, Auth0,
 * Entra ID or any other) whose tokens gateways accept on the APIs that allow them, with their
 * endpoints, audience, claims and the credentials gateways introspect with.
 */
import { Scopes } from '@apim/contracts';
import type { Admin } from '@apim/rest-contract';
import { type Prisma } from '@apim/db';
import { issuerClaims } from '@apim/gateway-model';
import type { AppContext } from '../context.js';
import { conflictOnDuplicate, notFound } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { deleteRegisteredClientsOf } from '../applications/registered-clients.js';
import { keyManagerRow } from './key-manager-settings.js';
import { gatewayWrites } from '../model/gateway-writes.js';

/** A key manager as the admin API shows it: no secret, only whether one is set. */
export function keyManagerDto(row: Prisma.TrustedIssuerGetPayload<object>) {
  const claims = issuerClaims(row);
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName ?? row.name,
    type: row.type,
    description: row.description ?? '',
    issuer: row.issuer,
    wellKnownEndpoint: row.discoveryUrl,
    certificates: row.jwksUrl ? { type: 'JWKS', value: row.jwksUrl } : null,
    introspectionEndpoint: row.introspectionEndpoint,
    tokenEndpoint: row.tokenEndpoint,
    clientRegistrationEndpoint: row.registrationEndpoint,
    audience: row.audience,
    algorithms: row.algorithms,
    consumerKeyClaim: claims.consumerKeyClaim,
    scopesClaim: claims.scopesClaim,
    claimMapping: Object.entries(claims.mappings).map(([remoteClaim, localClaim]) => ({
      remoteClaim,
      localClaim,
    })),
    introspectionClientId: row.introspectionClientId,
    registrationTokenSet: row.registrationToken !== null,
    enabled: row.enabled,
  };
}

export function keyManagerOperations({ prisma, config, log }: AppContext): OperationSpec<never, never>[] {
  const tag = 'Key Managers';
  const access = [Scopes.admin];
  const params = { keyManagerId: { type: 'string', format: 'uuid' } };
  const settings = { residentIssuer: config.keyManagerUrl, internalSecret: config.internalSecret };
  const unique = (name: string) =>
    conflictOnDuplicate(`A key manager named '${name}' or with the same issuer already exists`);
  return [
    operation({
      method: 'get',
      path: '/key-managers',
      operationId: 'getAllKeyManagers',
      summary: 'List the external key managers',
      tag,
      access,
      responses: { 200: { description: 'Key managers', schema: { type: 'object' } } },
      async handle() {
        const rows = await prisma.trustedIssuer.findMany({ orderBy: { name: 'asc' } });
        return { status: 200, body: { count: rows.length, list: rows.map(keyManagerDto) } };
      },
    }),
    operation<Admin.KeyManager>({
      method: 'post',
      path: '/key-managers',
      operationId: 'addNewKeyManager',
      summary: 'Add an external key manager (OpenID provider)',
      tag,
      access,
      body: ref('KeyManager'),
      responses: { 201: { description: 'Created', schema: ref('KeyManager') } },
      async handle({ body }) {
        const data = await keyManagerRow(body, null, settings);
        const row = await prisma
          .$transaction((tx) => gatewayWrites.issuer.create(tx, { data }))
          .catch(unique(body.name));
        return { status: 201, body: keyManagerDto(row) };
      },
    }),
    operation({
      method: 'get',
      path: '/key-managers/{keyManagerId}',
      operationId: 'getKeyManagerConfiguration',
      summary: 'One key manager',
      tag,
      access,
      params,
      responses: { 200: { description: 'The key manager', schema: ref('KeyManager') } },
      async handle({ params: p }) {
        const row = await prisma.trustedIssuer.findUnique({ where: { id: p.keyManagerId! } });
        if (!row) throw notFound('Key manager');
        return { status: 200, body: keyManagerDto(row) };
      },
    }),
    operation<Admin.KeyManager>({
      method: 'put',
      path: '/key-managers/{keyManagerId}',
      operationId: 'updateKeyManager',
      summary: 'Change a key manager (secrets left out are kept)',
      tag,
      access,
      params,
      body: ref('KeyManager'),
      responses: { 200: { description: 'The key manager', schema: ref('KeyManager') } },
      async handle({ params: p, body }) {
        const existing = await prisma.trustedIssuer.findUnique({ where: { id: p.keyManagerId! } });
        if (!existing) throw notFound('Key manager');
        const data = await keyManagerRow(body, existing, settings);
        const row = await prisma
          .$transaction((tx) => gatewayWrites.issuer.update(tx, { where: { id: existing.id }, data }))
          .catch(unique(body.name));
        return { status: 200, body: keyManagerDto(row) };
      },
    }),
    operation({
      method: 'delete',
      path: '/key-managers/{keyManagerId}',
      operationId: 'removeKeyManager',
      summary: 'Remove a key manager and the application keys it issued',
      tag,
      access,
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        const keys = await prisma.$transaction(async (tx) => {
          const existing = await tx.trustedIssuer.findUnique({ where: { id: p.keyManagerId! } });
          if (!existing) throw notFound('Key manager');
          // its application keys go with it; gateways drop their mappings on ISSUER_DELETED
          return gatewayWrites.issuer.delete(tx, existing);
        });
        // the clients we registered there go too, once the removal is committed (never fails the call)
        await deleteRegisteredClientsOf(log, config.internalSecret, keys);
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

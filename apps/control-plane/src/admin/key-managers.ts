/**
 * Trusted token issuers (WSO2's "key managers"): external OIDC providers whose JWTs gateways
 * accept, configured by discovery URL or JWKS URL, with claim mappings.
 */
import { request } from 'undici';
import { Scopes } from '@apim/contracts';
import { appendGatewayEvent, type Prisma } from '@apim/db';
import type { AppContext } from '../context.js';
import { gatewayIssuer } from '../events/gateway-views.js';
import { badRequest, conflictOnDuplicate, notFound } from '../http/errors.js';
import { operation, ref, type JsonSchema, type OperationSpec } from '../http/rest-api.js';

export const keyManagerSchemas: Record<string, JsonSchema> = {
  KeyManager: {
    type: 'object',
    required: ['name'],
    properties: {
      id: { type: 'string', readOnly: true },
      name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' },
      displayName: { type: 'string', maxLength: 100 },
      type: { type: 'string', description: 'always "custom" for an external issuer' },
      description: { type: 'string', maxLength: 256 },
      issuer: { type: 'string', format: 'uri' },
      wellKnownEndpoint: { type: 'string', format: 'uri', pattern: '^https?://' },
      certificates: {
        type: 'object',
        required: ['type', 'value'],
        properties: {
          type: { enum: ['JWKS'] },
          value: { type: 'string', format: 'uri', pattern: '^https?://' },
        },
      },
      audience: { type: ['string', 'null'] },
      algorithms: {
        type: 'array',
        items: { enum: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] },
      },
      consumerKeyClaim: { type: 'string' },
      scopesClaim: { type: 'string' },
      claimMapping: {
        type: 'array',
        items: {
          type: 'object',
          required: ['remoteClaim', 'localClaim'],
          properties: {
            remoteClaim: { type: 'string', minLength: 1 },
            localClaim: { type: 'string', minLength: 1 },
          },
        },
      },
      enabled: { type: 'boolean' },
    },
  },
};

interface KeyManagerDto {
  name: string;
  displayName?: string;
  description?: string;
  issuer?: string;
  wellKnownEndpoint?: string;
  certificates?: { type: 'JWKS'; value: string };
  audience?: string | null;
  algorithms?: string[];
  consumerKeyClaim?: string;
  scopesClaim?: string;
  claimMapping?: Array<{ remoteClaim: string; localClaim: string }>;
  enabled?: boolean;
}

/** Keys of claimMappings that carry settings rather than a remote -> local mapping. */
const SETTINGS = ['consumerKeyClaim', 'scopesClaim'] as const;

function dto(row: Prisma.TrustedIssuerGetPayload<object>) {
  const mappings = (row.claimMappings ?? {}) as Record<string, string>;
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName ?? row.name,
    type: 'custom',
    description: row.description ?? '',
    issuer: row.issuer,
    wellKnownEndpoint: row.discoveryUrl,
    certificates: row.jwksUrl ? { type: 'JWKS', value: row.jwksUrl } : null,
    audience: row.audience,
    algorithms: row.algorithms,
    consumerKeyClaim: mappings.consumerKeyClaim ?? 'azp',
    scopesClaim: mappings.scopesClaim ?? 'scope',
    claimMapping: Object.entries(mappings)
      .filter(([k]) => !(SETTINGS as readonly string[]).includes(k))
      .map(([remoteClaim, localClaim]) => ({ remoteClaim, localClaim })),
    enabled: row.enabled,
  };
}

/** Reads issuer and jwks_uri from an OpenID discovery document. */
async function discover(url: string): Promise<{ issuer?: string; jwksUri?: string }> {
  let res;
  try {
    res = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  } catch (e) {
    throw badRequest(`The discovery document at ${url} cannot be fetched: ${(e as Error).message}`);
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw badRequest(`The discovery document at ${url} answered HTTP ${res.statusCode}`);
  }
  try {
    const doc = (await res.body.json()) as { issuer?: unknown; jwks_uri?: unknown };
    return {
      issuer: typeof doc.issuer === 'string' ? doc.issuer : undefined,
      jwksUri: typeof doc.jwks_uri === 'string' ? doc.jwks_uri : undefined,
    };
  } catch {
    throw badRequest(`The discovery document at ${url} is not JSON`);
  }
}

async function rowData(body: KeyManagerDto) {
  const found =
    body.wellKnownEndpoint && (!body.issuer || !body.certificates)
      ? await discover(body.wellKnownEndpoint)
      : {};
  const issuer = body.issuer ?? found.issuer;
  const jwksUrl = body.certificates?.value ?? found.jwksUri;
  if (!issuer) throw badRequest("Give the 'issuer', or a 'wellKnownEndpoint' whose document names it");
  if (!jwksUrl)
    throw badRequest(
      "Give 'certificates' (a JWKS URL), or a 'wellKnownEndpoint' whose document names jwks_uri",
    );
  const claimMappings: Record<string, string> = {};
  for (const m of body.claimMapping ?? []) claimMappings[m.remoteClaim] = m.localClaim;
  if (body.consumerKeyClaim) claimMappings.consumerKeyClaim = body.consumerKeyClaim;
  if (body.scopesClaim) claimMappings.scopesClaim = body.scopesClaim;
  return {
    displayName: body.displayName ?? body.name,
    description: body.description ?? null,
    issuer,
    discoveryUrl: body.wellKnownEndpoint ?? null,
    jwksUrl,
    audience: body.audience ?? null,
    algorithms: body.algorithms?.length ? body.algorithms : ['RS256', 'ES256'],
    claimMappings,
    enabled: body.enabled ?? true,
  };
}

export function keyManagerOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const tag = 'Key Managers';
  const access = [Scopes.admin];
  const params = { keyManagerId: { type: 'string', format: 'uuid' } };
  const unique = (name: string) =>
    conflictOnDuplicate(`A key manager named '${name}' or with the same issuer already exists`);
  return [
    operation({
      method: 'get',
      path: '/key-managers',
      operationId: 'getAllKeyManagers',
      summary: 'List trusted token issuers',
      tag,
      access,
      responses: { 200: { description: 'Key managers', schema: { type: 'object' } } },
      async handle() {
        const rows = await prisma.trustedIssuer.findMany({ orderBy: { name: 'asc' } });
        return { status: 200, body: { count: rows.length, list: rows.map(dto) } };
      },
    }),
    operation<KeyManagerDto>({
      method: 'post',
      path: '/key-managers',
      operationId: 'addNewKeyManager',
      summary: 'Trust an external token issuer',
      tag,
      access,
      body: ref('KeyManager'),
      responses: { 201: { description: 'Created', schema: ref('KeyManager') } },
      async handle({ body }) {
        const data = await rowData(body);
        const row = await prisma
          .$transaction(async (tx) => {
            const created = await tx.trustedIssuer.create({ data: { name: body.name, ...data } });
            await appendGatewayEvent(tx, 'ISSUER_UPSERTED', { issuer: gatewayIssuer(created) });
            return created;
          })
          .catch(unique(body.name));
        return { status: 201, body: dto(row) };
      },
    }),
    operation({
      method: 'get',
      path: '/key-managers/{keyManagerId}',
      operationId: 'getKeyManagerConfiguration',
      summary: 'One trusted issuer',
      tag,
      access,
      params,
      responses: { 200: { description: 'The key manager', schema: ref('KeyManager') } },
      async handle({ params: p }) {
        const row = await prisma.trustedIssuer.findUnique({ where: { id: p.keyManagerId! } });
        if (!row) throw notFound('Key manager');
        return { status: 200, body: dto(row) };
      },
    }),
    operation<KeyManagerDto>({
      method: 'put',
      path: '/key-managers/{keyManagerId}',
      operationId: 'updateKeyManager',
      summary: 'Change a trusted issuer',
      tag,
      access,
      params,
      body: ref('KeyManager'),
      responses: { 200: { description: 'The key manager', schema: ref('KeyManager') } },
      async handle({ params: p, body }) {
        const data = await rowData(body);
        const row = await prisma
          .$transaction(async (tx) => {
            const existing = await tx.trustedIssuer.findUnique({ where: { id: p.keyManagerId! } });
            if (!existing) throw notFound('Key manager');
            const updated = await tx.trustedIssuer.update({
              where: { id: existing.id },
              data: { name: body.name, ...data },
            });
            await appendGatewayEvent(tx, 'ISSUER_UPSERTED', { issuer: gatewayIssuer(updated) });
            return updated;
          })
          .catch(unique(body.name));
        return { status: 200, body: dto(row) };
      },
    }),
    operation({
      method: 'delete',
      path: '/key-managers/{keyManagerId}',
      operationId: 'removeKeyManager',
      summary: 'Stop trusting an issuer',
      tag,
      access,
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        await prisma.$transaction(async (tx) => {
          const existing = await tx.trustedIssuer.findUnique({ where: { id: p.keyManagerId! } });
          if (!existing) throw notFound('Key manager');
          await tx.trustedIssuer.delete({ where: { id: existing.id } });
          await appendGatewayEvent(tx, 'ISSUER_DELETED', { id: existing.id });
        });
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}

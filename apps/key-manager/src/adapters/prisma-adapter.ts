/**
 * oidc-provider's storage on Prisma, following the library's adapter interface
 * (constructor(name), upsert, find, findByUserCode, findByUid, consume, destroy, revokeByGrantId).
 * Clients live in their own table with the secret hashed; every other model in oidc_payload.
 * Removing an access token (revocation, a reused code or refresh token) also tells gateways,
 * through the event log, in the same transaction.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Prisma, PrismaClient, TransactionClient } from '@apim/db';
import { hashSecret } from '@apim/service';
import type { Lookups } from './lookups.js';
import { opaqueTokenId, revokeClientTokens, revokeTokenId } from '../models/revocations.js';

/** Issued JWT access tokens are not stored by oidc-provider; we keep their id per grant so that
 * revoking the grant (reused code or refresh token) can revoke them at the gateways. */
export const ISSUED_JWT = 'IssuedJwt';

/** Client metadata we keep beside oidc-provider's own (declared in extraClientMetadata). */
export const ClientExtras = {
  accessTokenTtl: 'apim_access_token_ttl',
  passwordGrant: 'apim_password_grant',
} as const;

const ACCESS_TOKEN_MODELS = new Set(['AccessToken', 'ClientCredentials']);
/** Models whose id is itself a bearer credential: stored under its hash (opaqueTokenId). */
const BEARER_MODELS = new Set([...ACCESS_TOKEN_MODELS, 'RefreshToken', 'AuthorizationCode']);

function expiryOf(payload: { exp?: unknown }): Date | null {
  return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null;
}

export async function recordIssuedJwt(
  prisma: PrismaClient,
  token: { jti: string; grantId: string; clientId: string; exp: number },
): Promise<void> {
  await prisma.oidcPayload.create({
    data: {
      id: token.jti,
      type: ISSUED_JWT,
      grantId: token.grantId,
      payload: { clientId: token.clientId, exp: token.exp },
      expiresAt: new Date(token.exp * 1000),
    },
  });
}

/** A client as oidc-provider reads it from the adapter; undefined when there is no such client. */
export async function loadClientPayload(
  prisma: PrismaClient,
  clientId: string,
): Promise<AdapterPayload | undefined> {
  const row = await prisma.oAuthClient.findUnique({ where: { clientId } });
  if (!row) return undefined;
  return {
    ...(row.metadata as AdapterPayload),
    client_id: row.clientId,
    // Compared by hashing the presented secret (see provider/configuration.ts).
    ...(row.clientSecretHash ? { client_secret: row.clientSecretHash } : {}),
    [ClientExtras.accessTokenTtl]: row.accessTokenTtl,
    [ClientExtras.passwordGrant]: row.allowPasswordGrant,
  };
}

class ClientAdapter implements Adapter {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly lookups: Lookups,
  ) {}

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.lookups.client(id);
  }

  /** Dynamic registration: the plain secret arrives here once and is stored only as a hash. */
  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    const {
      client_id: _id,
      client_secret: secret,
      [ClientExtras.accessTokenTtl]: _ttl,
      [ClientExtras.passwordGrant]: _pw,
      ...metadata
    } = payload;
    const clientSecretHash = typeof secret === 'string' ? hashSecret(secret) : null;
    await this.prisma.oAuthClient.upsert({
      where: { clientId: id },
      create: { clientId: id, clientSecretHash, metadata: metadata as Prisma.InputJsonObject },
      update: { clientSecretHash, metadata: metadata as Prisma.InputJsonObject },
    });
    this.lookups.clear();
  }

  async destroy(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await revokeClientTokens(tx, id);
      await tx.oAuthClient.deleteMany({ where: { clientId: id } });
    });
    this.lookups.clear();
  }

  async consume(): Promise<void> {}
  async findByUid(): Promise<undefined> {}
  async findByUserCode(): Promise<undefined> {}
  async revokeByGrantId(): Promise<void> {}
}

class PayloadAdapter implements Adapter {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly type: string,
  ) {}

  private storedId(id: string): string {
    return BEARER_MODELS.has(this.type) ? opaqueTokenId(id) : id;
  }

  async upsert(value: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const id = this.storedId(value);
    // A bearer token's jti is the token itself: not kept at rest (find puts it back).
    const { jti: _jti, ...rest } = payload;
    const data = {
      payload: (BEARER_MODELS.has(this.type) ? rest : payload) as Prisma.InputJsonObject,
      grantId: payload.grantId ?? null,
      userCode: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
    };
    await this.prisma.oidcPayload.upsert({
      where: { id_type: { id, type: this.type } },
      create: { id, type: this.type, ...data },
      update: data,
    });
  }

  private async findWhere(where: Prisma.OidcPayloadWhereInput): Promise<AdapterPayload | undefined> {
    const row = await this.prisma.oidcPayload.findFirst({ where: { ...where, type: this.type } });
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
    return { ...(row.payload as AdapterPayload), ...(row.consumedAt ? { consumed: true } : {}) };
  }

  async find(id: string) {
    const found = await this.findWhere({ id: this.storedId(id) });
    return found && BEARER_MODELS.has(this.type) ? { ...found, jti: id } : found;
  }

  findByUid(uid: string) {
    return this.findWhere({ uid });
  }

  findByUserCode(userCode: string) {
    return this.findWhere({ userCode });
  }

  async consume(id: string): Promise<void> {
    await this.prisma.oidcPayload.updateMany({
      where: { id: this.storedId(id), type: this.type },
      data: { consumedAt: new Date() },
    });
  }

  async destroy(value: string): Promise<void> {
    const id = this.storedId(value);
    if (!ACCESS_TOKEN_MODELS.has(this.type)) {
      await this.prisma.oidcPayload.deleteMany({ where: { id, type: this.type } });
      return;
    }
    await this.prisma.$transaction(async (tx) => {
      const rows = await tx.oidcPayload.findMany({ where: { id, type: this.type } });
      await this.revokeAccessTokenRows(tx, rows);
    });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    if (this.type !== 'AccessToken') {
      await this.prisma.oidcPayload.deleteMany({ where: { grantId, type: this.type } });
      return;
    }
    await this.prisma.$transaction(async (tx) => {
      const rows = await tx.oidcPayload.findMany({
        where: { grantId, type: { in: ['AccessToken', ISSUED_JWT] } },
      });
      await this.revokeAccessTokenRows(tx, rows);
    });
  }

  private async revokeAccessTokenRows(
    tx: TransactionClient,
    rows: Array<{ id: string; type: string; payload: Prisma.JsonValue }>,
  ): Promise<void> {
    for (const row of rows) {
      await tx.oidcPayload.delete({ where: { id_type: { id: row.id, type: row.type } } });
      const exp = expiryOf(row.payload as { exp?: unknown });
      if (!exp) continue;
      // Stored ids are the ids gateways know: a JWT's jti, or an opaque token's hash.
      await revokeTokenId(tx, row.id, exp);
    }
  }
}

/** The adapter factory oidc-provider calls once per model name. */
export function prismaAdapter(prisma: PrismaClient, lookups: Lookups) {
  return (name: string): Adapter =>
    name === 'Client' ? new ClientAdapter(prisma, lookups) : new PayloadAdapter(prisma, name);
}

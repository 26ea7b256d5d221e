/**
 * The OAuth clients behind application keys, as the control plane manages them through the
 * internal API. Secrets are generated here, returned once and stored as hashes.
 */
import { randomBytes } from 'node:crypto';
import type { PrismaClient, Prisma } from '@apim/db';
import { hashSecret, randomSecret } from '@apim/service';
import { BUILT_IN_CLIENTS } from './builtin-clients.js';
import { ApiError } from '../helpers/api-error.js';
import { cutOffReached, revokeClientTokens } from './revocations.js';

export const SUPPORTED_GRANT_TYPES = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'password',
] as const;

const MAX_TTL_SECONDS = 10 * 365 * 86_400;

export interface ClientInput {
  clientName: string;
  grantTypes: string[];
  callbackUrl: string | null;
  accessTokenTtl: number;
  allowPasswordGrant: boolean;
  public: boolean;
}

export interface ClientView extends ClientInput {
  clientId: string;
}

interface StoredMetadata {
  client_name?: string;
  grant_types?: string[];
  redirect_uris?: string[];
  token_endpoint_auth_method?: string;
}

/** Checks client metadata against oidc-provider's own rules; throws its error when invalid. */
export type MetadataValidator = (metadata: Record<string, unknown>) => Promise<void>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a create (all fields) or update (partial) body into ClientInput fields. */
export function parseClientInput(body: unknown, partial: boolean): Partial<ClientInput> {
  if (!isObject(body)) throw ApiError.badRequest('The body must be a JSON object');
  const known = ['clientName', 'grantTypes', 'callbackUrl', 'accessTokenTtl', 'allowPasswordGrant', 'public'];
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length) throw ApiError.badRequest(`Unknown field(s): ${unknown.join(', ')}`);
  const out: Partial<ClientInput> = {};
  if (body.clientName !== undefined || !partial) {
    if (typeof body.clientName !== 'string' || !body.clientName.trim() || body.clientName.length > 200)
      throw ApiError.badRequest('clientName must be a non-empty string of at most 200 characters');
    out.clientName = body.clientName.trim();
  }
  if (body.grantTypes !== undefined || !partial) {
    const g = body.grantTypes;
    if (!Array.isArray(g) || g.length === 0 || !g.every((t) => typeof t === 'string'))
      throw ApiError.badRequest('grantTypes must be a non-empty array of strings');
    const unsupported = g.filter((t) => !(SUPPORTED_GRANT_TYPES as readonly string[]).includes(t));
    if (unsupported.length)
      throw ApiError.badRequest(
        `Unsupported grant type(s): ${unsupported.join(', ')}; supported: ${SUPPORTED_GRANT_TYPES.join(', ')}`,
      );
    out.grantTypes = [...new Set(g as string[])];
  }
  if (body.callbackUrl !== undefined) {
    const c = body.callbackUrl;
    if (c !== null && (typeof c !== 'string' || !URL.canParse(c)))
      throw ApiError.badRequest('callbackUrl must be an absolute URL or null');
    out.callbackUrl = c;
  } else if (!partial) out.callbackUrl = null;
  if (body.accessTokenTtl !== undefined) {
    const t = body.accessTokenTtl;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TTL_SECONDS)
      throw ApiError.badRequest(
        `accessTokenTtl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`,
      );
    out.accessTokenTtl = t;
  } else if (!partial) out.accessTokenTtl = 3600;
  for (const flag of ['allowPasswordGrant', 'public'] as const) {
    if (body[flag] !== undefined) {
      if (partial && flag === 'public') throw ApiError.badRequest('public cannot be changed after creation');
      if (typeof body[flag] !== 'boolean') throw ApiError.badRequest(`${flag} must be true or false`);
      out[flag] = body[flag];
    } else if (!partial) out[flag] = false;
  }
  return out;
}

function metadataOf(input: ClientInput): StoredMetadata & Record<string, unknown> {
  return {
    client_name: input.clientName,
    grant_types: input.grantTypes,
    response_types: input.grantTypes.includes('authorization_code') ? ['code'] : [],
    redirect_uris: input.callbackUrl ? [input.callbackUrl] : [],
    token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
  };
}

function viewOf(row: {
  clientId: string;
  metadata: Prisma.JsonValue;
  accessTokenTtl: number;
  allowPasswordGrant: boolean;
}): ClientView {
  const m = row.metadata as StoredMetadata;
  return {
    clientId: row.clientId,
    clientName: m.client_name ?? row.clientId,
    grantTypes: m.grant_types ?? [],
    callbackUrl: m.redirect_uris?.[0] ?? null,
    accessTokenTtl: row.accessTokenTtl,
    allowPasswordGrant: row.allowPasswordGrant,
    public: m.token_endpoint_auth_method === 'none',
  };
}

/** A consumer key in WSO2's style: 28 letters and digits. */
function newClientId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(28);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export class ClientService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly validate: MetadataValidator,
    /** called after every committed change of a client (drops this instance's cached copy) */
    private readonly changed: () => void,
  ) {}

  private async validated(input: ClientInput, clientId: string, withSecret: boolean) {
    const metadata = metadataOf(input);
    await this.validate({ ...metadata, client_id: clientId, ...(withSecret ? { client_secret: 'x' } : {}) });
    return metadata as Prisma.InputJsonObject;
  }

  async create(input: ClientInput): Promise<ClientView & { clientSecret: string | null }> {
    const clientId = newClientId();
    const clientSecret = input.public ? null : randomSecret(32);
    const metadata = await this.validated(input, clientId, !input.public);
    const row = await this.prisma.oAuthClient.create({
      data: {
        clientId,
        clientSecretHash: clientSecret ? hashSecret(clientSecret) : null,
        metadata,
        accessTokenTtl: input.accessTokenTtl,
        allowPasswordGrant: input.allowPasswordGrant,
      },
    });
    this.changed();
    return { ...viewOf(row), clientSecret };
  }

  private async existing(clientId: string) {
    const row = await this.prisma.oAuthClient.findUnique({ where: { clientId } });
    if (!row) throw ApiError.notFound(`No client with id ${clientId}`);
    return row;
  }

  private assertManageable(clientId: string): void {
    if (BUILT_IN_CLIENTS.has(clientId))
      throw ApiError.conflict(`${clientId} is a built-in client, configured at start-up`);
  }

  async get(clientId: string): Promise<ClientView> {
    return viewOf(await this.existing(clientId));
  }

  async update(clientId: string, patch: Partial<ClientInput>): Promise<ClientView> {
    this.assertManageable(clientId);
    const row = await this.existing(clientId);
    const next = { ...viewOf(row), ...patch };
    const metadata = await this.validated(next, clientId, !next.public);
    const updated = await this.prisma.oAuthClient.update({
      where: { clientId },
      data: { metadata, accessTokenTtl: next.accessTokenTtl, allowPasswordGrant: next.allowPasswordGrant },
    });
    this.changed();
    return viewOf(updated);
  }

  async delete(clientId: string): Promise<void> {
    this.assertManageable(clientId);
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.oAuthClient.deleteMany({ where: { clientId } });
      if (count === 0) throw ApiError.notFound(`No client with id ${clientId}`);
      await revokeClientTokens(tx, clientId);
    });
    this.changed();
  }

  async regenerateSecret(clientId: string): Promise<{ clientId: string; clientSecret: string }> {
    this.assertManageable(clientId);
    const clientSecret = randomSecret(32);
    const cutOff = await this.prisma.$transaction(async (tx) => {
      const row = await tx.oAuthClient.findUnique({ where: { clientId } });
      if (!row) throw ApiError.notFound(`No client with id ${clientId}`);
      if (!row.clientSecretHash) throw ApiError.conflict(`${clientId} is a public client: it has no secret`);
      await tx.oAuthClient.update({
        where: { clientId },
        data: { clientSecretHash: hashSecret(clientSecret), secretRotatedAt: new Date() },
      });
      return revokeClientTokens(tx, clientId);
    });
    this.changed();
    await cutOffReached(cutOff);
    return { clientId, clientSecret };
  }

  async revokeTokens(clientId: string): Promise<void> {
    const cutOff = await this.prisma.$transaction(async (tx) => {
      const row = await tx.oAuthClient.findUnique({ where: { clientId }, select: { clientId: true } });
      if (!row) throw ApiError.notFound(`No client with id ${clientId}`);
      return revokeClientTokens(tx, clientId);
    });
    await cutOffReached(cutOff);
  }
}

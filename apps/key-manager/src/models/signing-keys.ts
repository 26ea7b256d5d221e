import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { appendGatewayEvent, type PrismaClient, type TransactionClient } from '@apim/db';
import { decryptSecret, encryptSecret } from '@apim/service';
import type { SigningAlg } from '../config.js';

/** A generated key as a signing_key row holds it, before it is given its activation time. */
interface NewKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK & { kid: string };
  privateJwkEncrypted: string;
}

export interface PublishedKey {
  kid: string;
  alg: string;
  /** the private JWK (decrypted), with kid, alg and use */
  privateJwk: JWK;
  publicJwk: JWK;
  activatesAt: Date;
  retiredAt: Date | null;
  expiresAt: Date | null;
}

/** Serialises key creation and rotation across instances. */
const SIGNING_KEY_LOCK_ID = 7_320_241_124;

/** The key that signs at `now`: the most recently activated one that is not retired. */
export function signingKeyAt(keys: readonly PublishedKey[], now = new Date()): PublishedKey | undefined {
  let best: PublishedKey | undefined;
  for (const k of keys) {
    if (k.activatesAt > now || (k.retiredAt && k.retiredAt <= now)) continue;
    if (!best || k.activatesAt > best.activatesAt) best = k;
  }
  return best;
}

export interface SigningKeyStoreOptions {
  alg: SigningAlg;
  encryptionKey: Buffer;
  /** how long a new key is published before it signs */
  leadSeconds: number;
  /** extra time an old key stays published, for instances that have not re-read the keys yet */
  graceSeconds: number;
}

/**
 * Token signing keys in the database, private parts encrypted. A new key is published (JWKS)
 * before it signs anything, and a retired key stays published until every token it signed has
 * expired, so no valid token is ever rejected by a gateway because of a rotation.
 */
export class SigningKeyStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: SigningKeyStoreOptions,
  ) {}

  /** Every key still published, oldest first. */
  async load(now = new Date()): Promise<PublishedKey[]> {
    const rows = await this.prisma.signingKey.findMany({
      where: { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      orderBy: { activatesAt: 'asc' },
    });
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg,
      privateJwk: JSON.parse(decryptSecret(this.options.encryptionKey, r.privateJwkEncrypted)) as JWK,
      publicJwk: r.publicJwk as JWK,
      activatesAt: r.activatesAt,
      retiredAt: r.retiredAt,
      expiresAt: r.expiresAt,
    }));
  }

  /** Creates a key that signs at once when none can sign (first start, or every key expired). */
  async ensureSigningKey(): Promise<void> {
    if (await this.canSign(this.prisma, new Date())) return;
    // made before the transaction: generating an RSA key can take seconds on a busy machine
    const key = await this.newKey();
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK_ID}::bigint)`;
      const now = new Date();
      if (await this.canSign(tx, now)) return;
      await this.insertKey(tx, key, now);
      await this.announce(tx, now);
    });
  }

  private async canSign(db: TransactionClient | PrismaClient, now: Date): Promise<boolean> {
    const usable = await db.signingKey.count({
      where: {
        alg: this.options.alg,
        activatesAt: { lte: now },
        OR: [{ retiredAt: null }, { retiredAt: { gt: now } }],
      },
    });
    return usable > 0;
  }

  /**
   * Publishes a new key that signs after the lead time, and retires the current one at that
   * moment; the retired key stays published until the longest-lived token it may have signed has
   * expired. Returns the new key id.
   */
  async rotate(options: { leadSeconds?: number } = {}): Promise<string> {
    return (await this.rotateUnless(options, () => false))!;
  }

  /**
   * Rotates when the signing key is older than maxAgeDays (checked under the lock, so that
   * instances running the same schedule rotate once). Returns the new key id, if any.
   */
  async rotateIfOlderThan(maxAgeDays: number): Promise<string | undefined> {
    const cutoff = new Date(Date.now() - maxAgeDays * 86_400_000);
    return this.rotateUnless({}, async (tx, now) => {
      const fresh = await tx.signingKey.count({
        where: { activatesAt: { gt: cutoff }, OR: [{ retiredAt: null }, { retiredAt: { gt: now } }] },
      });
      return fresh > 0;
    });
  }

  private async rotateUnless(
    options: { leadSeconds?: number },
    skip: (tx: TransactionClient, now: Date) => boolean | Promise<boolean>,
  ): Promise<string | undefined> {
    const key = await this.newKey();
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK_ID}::bigint)`;
      const now = new Date();
      if (await skip(tx, now)) return undefined;
      const activatesAt = new Date(now.getTime() + (options.leadSeconds ?? this.options.leadSeconds) * 1000);
      const kid = await this.insertKey(tx, key, activatesAt);
      const expiresAt = await this.lastUseOfKeysRetiredAt(tx, activatesAt);
      await tx.signingKey.updateMany({
        where: { kid: { not: kid }, OR: [{ retiredAt: null }, { retiredAt: { gt: activatesAt } }] },
        data: { retiredAt: activatesAt, expiresAt },
      });
      await this.announce(tx, now);
      return kid;
    });
  }

  /** Removes keys whose last token has expired; announces the change. Returns how many. */
  async removeExpired(now = new Date()): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK_ID}::bigint)`;
      const { count } = await tx.signingKey.deleteMany({ where: { expiresAt: { lte: now } } });
      if (count > 0) await this.announce(tx, now);
      return count;
    });
  }

  /** A new key pair, as stored: the private key sealed. */
  private async newKey(): Promise<NewKey> {
    const { alg } = this.options;
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
    const kid = randomUUID();
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    return {
      kid,
      alg,
      publicJwk,
      privateJwkEncrypted: encryptSecret(this.options.encryptionKey, JSON.stringify(privateJwk)),
    };
  }

  private async insertKey(tx: TransactionClient, key: NewKey, activatesAt: Date): Promise<string> {
    await tx.signingKey.create({ data: { ...key, activatesAt } });
    return key.kid;
  }

  /**
   * When a key retired at `retiredAt` signs nothing more: the longest access-token lifetime of any
   * client, and every unexpired API key issued so far (null: an API key never expires, so the
   * key stays published until those keys are revoked and the next rotation recomputes this).
   */
  private async lastUseOfKeysRetiredAt(tx: TransactionClient, retiredAt: Date): Promise<Date | null> {
    const { _max } = await tx.oAuthClient.aggregate({ _max: { accessTokenTtl: true } });
    let last = retiredAt.getTime() + ((_max.accessTokenTtl ?? 3600) + this.options.graceSeconds) * 1000;
    const forever = await tx.apiKey.count({ where: { expiresAt: null, revokedAt: null } });
    if (forever > 0) return null;
    const latestApiKey = await tx.apiKey.aggregate({
      where: { revokedAt: null, expiresAt: { gt: retiredAt } },
      _max: { expiresAt: true },
    });
    if (latestApiKey._max.expiresAt) last = Math.max(last, latestApiKey._max.expiresAt.getTime());
    return new Date(last);
  }

  private async announce(tx: TransactionClient, now: Date): Promise<void> {
    const published = await tx.signingKey.findMany({
      where: { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      select: { kid: true },
      orderBy: { activatesAt: 'asc' },
    });
    await appendGatewayEvent(tx, 'SIGNING_KEYS_CHANGED', { kids: published.map((k) => k.kid) });
  }
}

/** The private key of a published key, for signing with jose. */
export async function privateKeyOf(key: PublishedKey) {
  return importJWK(key.privateJwk, key.alg);
}

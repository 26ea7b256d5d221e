/**
 * The scheduled housekeeping of every instance: expired tokens, codes, sessions and revocations
 * are deleted, signing keys past their last use are unpublished, and the signing key is rotated
 * when it reaches its age. Every step is idempotent or serialised by a lock, so several
 * instances may run it at once.
 */
import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';
import type { SigningKeyStore } from '../models/signing-keys.js';

export interface CleanupResult {
  payloads: number;
  revokedTokens: number;
  revokedClients: number;
  signingKeys: number;
  rotatedTo?: string;
}

export async function runCleanup(
  prisma: PrismaClient,
  keyStore: SigningKeyStore,
  options: { rotationDays: number },
  now = new Date(),
): Promise<CleanupResult> {
  const payloads = await prisma.oidcPayload.deleteMany({ where: { expiresAt: { lte: now } } });
  const revokedTokens = await prisma.revokedToken.deleteMany({ where: { expiresAt: { lte: now } } });
  // A client-wide cut-off matters until the longest-lived token issued before it has expired.
  const { _max } = await prisma.oAuthClient.aggregate({ _max: { accessTokenTtl: true } });
  const horizon = new Date(now.getTime() - (_max.accessTokenTtl ?? 3600) * 1000);
  const revokedClients = await prisma.revokedClient.deleteMany({
    where: { revokedBefore: { lte: horizon } },
  });
  const signingKeys = await keyStore.removeExpired(now);
  const rotatedTo = await keyStore.rotateIfOlderThan(options.rotationDays);
  return {
    payloads: payloads.count,
    revokedTokens: revokedTokens.count,
    revokedClients: revokedClients.count,
    signingKeys,
    ...(rotatedTo ? { rotatedTo } : {}),
  };
}

/** Runs runCleanup every intervalSeconds until stopped; `afterKeysChanged` reloads the provider. */
export function scheduleCleanup(
  run: () => Promise<CleanupResult>,
  intervalSeconds: number,
  logger: Logger,
  afterKeysChanged: () => Promise<void>,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    run()
      .then(async (r) => {
        logger.info(r, 'cleanup done');
        if (r.signingKeys > 0 || r.rotatedTo) await afterKeysChanged();
      })
      .catch((e: unknown) => logger.error({ err: (e as Error).message }, 'cleanup failed'))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

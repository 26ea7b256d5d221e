import { loadGatewayState } from '@apim/gateway-model';
import type { PrismaClient } from '@apim/db';
import type { Snapshot } from './state.js';

/**
 * Longest the snapshot's transaction may run: tens of thousands of APIs and hundreds of thousands
 * of subscriptions take seconds to read, beyond Prisma's default of 5 s for a transaction.
 */
const SNAPSHOT_TIMEOUT_MS = 300_000;

/**
 * The control plane's consistent snapshot of this environment (the same row -> view functions it
 * writes event payloads with), plus the environment's vhosts for routing.
 */
export async function loadSnapshot(prisma: PrismaClient, environment: string): Promise<Snapshot> {
  const s = await loadGatewayState(prisma, { environment, timeoutMs: SNAPSHOT_TIMEOUT_MS });
  const env = await prisma.gatewayEnvironment.findUnique({ where: { name: environment } });
  const vhosts = Array.isArray(env?.vhosts)
    ? (env.vhosts as Array<{ host?: unknown }>).flatMap((v) => (typeof v.host === 'string' ? [v.host] : []))
    : [];
  return {
    ...s,
    vhosts,
    revokedTokens: s.revokedTokens.map((t) => ({ jti: t.jti, expiresAt: new Date(t.expiresAt) })),
    revokedClients: s.revokedClients.map((c) => ({
      clientId: c.clientId,
      revokedBefore: new Date(c.revokedBefore),
    })),
  };
}

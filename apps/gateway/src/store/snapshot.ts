import { loadGatewayState } from '@apim/control-plane/gateway-views';
import type { PrismaClient } from '@apim/db';
import type { Snapshot } from './state.js';

/**
 * The control plane's consistent snapshot of this environment (the same row -> view functions it
 * writes event payloads with), plus the environment's vhosts for routing.
 */
export async function loadSnapshot(prisma: PrismaClient, environment: string): Promise<Snapshot> {
  const s = await loadGatewayState(prisma, { environment });
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

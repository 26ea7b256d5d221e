import { appendGatewayEvent, type TransactionClient } from '@apim/db';
import { hashSecret } from '@apim/service';

/**
 * The id gateways know an opaque access token by: its hash, so that revocation events and
 * introspection answers never carry a usable token.
 */
export function opaqueTokenId(value: string): string {
  return hashSecret(value);
}

/** Revokes one token (access token or API key) until it would have expired anyway. */
export async function revokeTokenId(tx: TransactionClient, jti: string, expiresAt: Date): Promise<void> {
  if (expiresAt.getTime() <= Date.now()) return;
  const existing = await tx.revokedToken.findUnique({ where: { jti } });
  if (existing) return;
  await tx.revokedToken.create({ data: { jti, expiresAt } });
  await appendGatewayEvent(tx, 'TOKEN_REVOKED', { jti, expiresAt: expiresAt.toISOString() });
}

/**
 * Revokes every token issued to a client until now: gateways reject JWTs with an earlier `iat`,
 * and the stored tokens, codes and grants of the client are deleted. Token `iat`s are whole
 * seconds, so the cut-off is the start of the next second: no token issued before the revocation
 * survives it. Returns the cut-off; see `cutOffReached`.
 */
export async function revokeClientTokens(tx: TransactionClient, clientId: string): Promise<Date> {
  const revokedBefore = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
  await tx.revokedClient.upsert({
    where: { clientId },
    create: { clientId, revokedBefore },
    update: { revokedBefore },
  });
  await tx.$executeRaw`DELETE FROM oidc_payload WHERE payload->>'clientId' = ${clientId} AND type <> 'Session'`;
  await appendGatewayEvent(tx, 'CLIENT_TOKENS_REVOKED', {
    clientId,
    revokedBefore: revokedBefore.toISOString(),
  });
  return revokedBefore;
}

/**
 * Resolves when a client-wide cut-off has passed (under a second): a caller answered after it
 * gets tokens that the gateways accept, e.g. with the secret just regenerated.
 */
export function cutOffReached(revokedBefore: Date): Promise<void> {
  const wait = revokedBefore.getTime() - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

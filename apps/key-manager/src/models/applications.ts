import { RESIDENT_KEY_MANAGER, type KeyType } from '@apim/contracts';
import type { PrismaClient } from '@apim/db';

/** The application behind a client (an application key), as access tokens carry it. */
export interface ClientApplication {
  keyType: KeyType;
  tokenType: 'JWT' | 'OPAQUE';
  application: { id: string; name: string; owner: string; tier: string };
  ownerRoles: string[];
}

export async function applicationOfClient(
  prisma: PrismaClient,
  clientId: string,
): Promise<ClientApplication | null> {
  const key = await prisma.applicationKey.findUnique({
    where: { keyManager_consumerKey: { keyManager: RESIDENT_KEY_MANAGER, consumerKey: clientId } },
    select: {
      keyType: true,
      application: {
        select: {
          id: true,
          name: true,
          throttlingPolicy: true,
          tokenType: true,
          owner: { select: { username: true, roles: { select: { roleName: true } } } },
        },
      },
    },
  });
  if (!key) return null;
  const app = key.application;
  return {
    keyType: key.keyType,
    tokenType: app.tokenType,
    application: { id: app.id, name: app.name, owner: app.owner.username, tier: app.throttlingPolicy },
    ownerRoles: app.owner.roles.map((r) => r.roleName),
  };
}

/** WSO2-style claims of an access token (or an API key) for the application behind it. */
export function applicationClaims(app: ClientApplication): Record<string, unknown> {
  return { keytype: app.keyType, application: app.application };
}

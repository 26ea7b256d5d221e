import type { PrismaClient } from '@apim/db';

/** The OpenID Connect scopes; every other scope is an API or REST scope held in the Scope table. */
export const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email'] as const;
const oidcScopes = new Set<string>(OIDC_SCOPES);

export function isOidcScope(scope: string): boolean {
  return oidcScopes.has(scope);
}

/**
 * Scopes a holder of these roles may obtain: those bound to one of the roles, and those bound to
 * no role at all (open to every authenticated caller, as in WSO2).
 */
export async function scopesForRoles(prisma: PrismaClient, roles: readonly string[]): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ name: string }>>`
    SELECT name FROM scope WHERE cardinality(roles) = 0 OR roles && ${[...roles]}::text[] ORDER BY name`;
  return rows.map((r) => r.name);
}

export async function allScopeNames(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.scope.findMany({ select: { name: true }, orderBy: { name: 'asc' } });
  return rows.map((r) => r.name);
}

/** Roles of an enabled user, by username; null when there is no such enabled user. */
export async function rolesOfUser(prisma: PrismaClient, username: string): Promise<string[] | null> {
  const user = await prisma.user.findUnique({
    where: { username },
    select: { enabled: true, roles: { select: { roleName: true } } },
  });
  if (!user?.enabled) return null;
  return user.roles.map((r) => r.roleName);
}

/**
 * The roles of a user and the API and REST scopes (the Scope table) those roles may obtain, as
 * tokens are scoped. The OpenID Connect scopes are in provider/oidc-scopes.ts.
 */
import type { PrismaClient } from '@apim/db';

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

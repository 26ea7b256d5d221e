/** What a developer-portal caller may see and touch. */
import type { Prisma, PrismaClient, TransactionClient } from '@apim/db';
import { isAdmin, type Principal } from '../http/auth.js';
import { notFound } from '../http/errors.js';

/** Lifecycle states shown in the developer portal. */
export const LISTED_STATES = ['PUBLISHED', 'PROTOTYPED', 'DEPRECATED'] as const;

/** APIs the caller may see: public ones for everyone, private ones for signed-in users, restricted ones by role. */
export function visibleApis(principal: Principal | undefined): Prisma.ApiWhereInput {
  const listed: Prisma.ApiWhereInput = { lifecycleStatus: { in: [...LISTED_STATES] } };
  if (isAdmin(principal)) return listed;
  const visibility: Prisma.ApiWhereInput[] = [{ visibility: 'PUBLIC' }];
  if (principal)
    visibility.push(
      { visibility: 'PRIVATE' },
      { visibility: 'RESTRICTED', visibleRoles: { hasSome: principal.roles } },
    );
  return { ...listed, OR: visibility };
}

/** The application, if the caller owns it (or is an admin); 404 otherwise, so ids reveal nothing. */
export async function ownedApplication(
  db: PrismaClient | TransactionClient,
  principal: Principal,
  applicationId: string,
) {
  const app = await db.application.findUnique({ where: { id: applicationId }, include: { owner: true } });
  if (!app || (app.ownerId !== principal.userId && !isAdmin(principal))) throw notFound('Application');
  return app;
}

/** Applications the caller may list. */
export function ownApplications(principal: Principal): Prisma.ApplicationWhereInput {
  return { ownerId: principal.userId };
}

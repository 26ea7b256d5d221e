import { ApiLifecycleStatus, type Prisma, type PrismaClient } from '@apim/db';
import type { Paging } from '../http/paging.js';

/**
 * WSO2's search syntax: `name:pet tag:animals context:/pets version:1.0.0 status:PUBLISHED
 * provider:alice description:words`, or bare words matched against the name. Terms combine with AND;
 * matching is case-insensitive and by substring (tags: exact).
 */
export function apiSearchWhere(query: string | undefined): Prisma.ApiWhereInput {
  if (!query?.trim()) return {};
  const and: Prisma.ApiWhereInput[] = [];
  for (const term of query.trim().split(/\s+/)) {
    const colon = term.indexOf(':');
    const key = colon > 0 ? term.slice(0, colon).toLowerCase() : 'name';
    const value = colon > 0 ? term.slice(colon + 1) : term;
    if (!value) continue;
    const contains = { contains: value, mode: 'insensitive' as const };
    switch (key) {
      case 'tag':
      case 'tags':
        and.push({ tags: { has: value } });
        break;
      case 'context':
        and.push({ context: contains });
        break;
      case 'version':
        and.push({ version: value });
        break;
      case 'status':
      case 'lifecycle': {
        const status = Object.values(ApiLifecycleStatus).find((s) => s === value.toUpperCase());
        // an unknown status matches nothing (rather than failing the query)
        and.push(status ? { lifecycleStatus: status } : { id: { in: [] } });
        break;
      }
      case 'provider':
        and.push({ provider: { username: value } });
        break;
      case 'description':
        and.push({ description: contains });
        break;
      default:
        and.push({ name: contains });
    }
  }
  return { AND: and };
}

/** One page of the APIs matching `where`, with their provider's name, in the listing order. */
export async function findApiPage(prisma: PrismaClient, where: Prisma.ApiWhereInput, paging: Paging) {
  const [total, rows] = await Promise.all([
    prisma.api.count({ where }),
    prisma.api.findMany({
      where,
      include: { provider: { select: { username: true } } },
      orderBy: [{ name: 'asc' }, { version: 'asc' }],
      skip: paging.offset,
      take: paging.limit,
    }),
  ]);
  return { total, rows };
}

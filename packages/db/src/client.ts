import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export { PrismaClient };
export type { Prisma } from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';

/** A Prisma client on the pg driver adapter (no query engine binary: works offline). */
export function createPrismaClient(databaseUrl: string, options: { poolSize?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

/** The client handed to `$transaction(async (tx) => ...)`. */
export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

// A migrated, seeded database of its own for one benchmark run: on DATABASE_URL's server when it is
// set, else on an embedded Postgres started for the run. drop() removes the database (and the
// embedded server).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPrismaClient, migrate, seed } from '@apim/db';
import { startEmbeddedPostgres } from '@apim/db/embedded';
import { freePort, withDatabase } from './net.mjs';

/** `name` tells the benchmark's databases apart (apim_bench_<name>_<random>). */
export async function benchDatabase(name, { adminPassword, poolSize = 2 }) {
  let embedded;
  let embeddedDir;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embeddedDir = await mkdtemp(path.join(tmpdir(), 'apim-bench-pg-'));
    embedded = await startEmbeddedPostgres({ dir: embeddedDir, port: await freePort(), persistent: false });
    serverUrl = embedded.url;
  }
  const dbName = `apim_bench_${name}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const databaseUrl = withDatabase(serverUrl, dbName);
  await migrate(databaseUrl);
  const prisma = createPrismaClient(databaseUrl, { poolSize });
  await seed(prisma, { adminPassword });
  return {
    databaseUrl,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      await embedded?.stop();
      if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
    },
  };
}

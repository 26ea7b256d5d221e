/**
 * Vitest global setup: a Postgres server (DATABASE_URL's, else an embedded one) and a template
 * database, migrated and seeded once per run, that every test file clones (createTestDatabase).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPrismaClient, migrate, seed, SystemActors } from '@apim/db';
import { startEmbeddedPostgres, type EmbeddedServer } from '@apim/db/embedded';
import { TEST_ADMIN_PASSWORD, type TestEnvironment } from './environment.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    apim: TestEnvironment;
  }
}

function withDatabase(serverUrl: string, db: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: EmbeddedServer | undefined;
  let embeddedDir: string | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embeddedDir = await mkdtemp(path.join(tmpdir(), 'apim-test-pg-'));
    embedded = await startEmbeddedPostgres({ dir: embeddedDir, port: await freePort(), persistent: false });
    serverUrl = embedded.url;
  }
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const templateDb = `apim_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDb}`);
  const templateUrl = withDatabase(serverUrl, templateDb);
  await migrate(templateUrl);
  const prisma = createPrismaClient(templateUrl, { poolSize: 1, auditActor: SystemActors.seed });
  await seed(prisma, { adminPassword: TEST_ADMIN_PASSWORD });
  await prisma.$disconnect();

  const env: TestEnvironment = {
    serverUrl: withDatabase(serverUrl, 'postgres'),
    templateDb,
    runId,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  project.provide('apim', env);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    if (embedded) await embedded.stop();
    if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
  };
}

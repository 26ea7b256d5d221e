import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@apim/testing';
import { migrate, readMigrations } from './migrate.js';
import { migrationsDir, repoRoot } from './paths.js';

const run = promisify(execFile);
const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
});

async function emptyDb(): Promise<TestDatabase> {
  const db = await createTestDatabase({ empty: true });
  dbs.push(db);
  return db;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('migrate', () => {
  it('records each migration in _prisma_migrations as Prisma does, and is idempotent', async () => {
    const db = await emptyDb();
    const first = await migrate(db.url);
    const names = (await readMigrations()).map((m) => m.name);
    expect(first.applied).toEqual(names);
    const second = await migrate(db.url);
    expect(second).toEqual({ applied: [], alreadyApplied: names });
    const rows = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
      finished_at: Date;
    }>(db.url, 'SELECT migration_name, checksum, applied_steps_count, finished_at FROM _prisma_migrations');
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const r of rows) {
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.applied_steps_count).toBe(1);
      expect(r.finished_at).toBeInstanceOf(Date);
    }
  });

  it('two processes migrating one empty database: one applies, the other waits, neither fails', async () => {
    const db = await emptyDb();
    const cli = path.join(repoRoot, 'packages/db/dist/cli/migrate.js');
    const env = { ...process.env, DATABASE_URL: db.url };
    const [a, b] = await Promise.all([run('node', [cli], { env }), run('node', [cli], { env })]);
    const outputs = [a.stdout, b.stdout].sort();
    const count = (await readMigrations()).length;
    expect(outputs).toEqual([
      expect.stringContaining(`0 migration(s) applied, ${count} already applied`),
      expect.stringContaining(`${count} migration(s) applied, 0 already applied`),
    ]);
    const rows = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM _prisma_migrations');
    expect(Number(rows[0]!.n)).toBe(count);
  });

  it('rolls back a failing migration completely and refuses an edited one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'apim-migrations-'));
    try {
      await cp(migrationsDir, dir, { recursive: true });
      await mkdir(path.join(dir, '29990101000000_broken'));
      await writeFile(
        path.join(dir, '29990101000000_broken', 'migration.sql'),
        'CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
      );
      const db = await emptyDb();
      await expect(migrate(db.url, { migrationsDir: dir })).rejects.toThrow(
        /Migration 29990101000000_broken failed and was rolled back: relation "no_such_table" does not exist/,
      );
      const tables = await query<{ n: string }>(
        db.url,
        "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'half_done'",
      );
      expect(Number(tables[0]!.n)).toBe(0);
      const recorded = await query<{ migration_name: string }>(
        db.url,
        'SELECT migration_name FROM _prisma_migrations',
      );
      expect(recorded.map((r) => r.migration_name)).not.toContain('29990101000000_broken');

      await rm(path.join(dir, '29990101000000_broken'), { recursive: true });
      const init = (await readMigrations(dir))[0]!;
      await writeFile(path.join(dir, init.name, 'migration.sql'), `${init.sql}\n-- edited\n`);
      await expect(migrate(db.url, { migrationsDir: dir })).rejects.toThrow(
        /was changed after it was applied/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

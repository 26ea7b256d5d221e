import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@apim/testing';
import { migrate } from './migrate.js';
import { migrationsDir } from './paths.js';
import { checkSchemaMatchesDatabase } from './schema-check.js';

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
});

describe('schema.prisma and the SQL migrations', () => {
  it('agree: every table, column, type, nullability, key and unique constraint', async () => {
    const db = await createTestDatabase({ empty: true });
    dbs.push(db);
    await migrate(db.url);
    expect(await checkSchemaMatchesDatabase(db.url)).toEqual([]);
  });

  it('reports a column that the migrations forgot', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'apim-migrations-'));
    try {
      await cp(migrationsDir, dir, { recursive: true });
      const init = path.join(dir, '20261122000000_init', 'migration.sql');
      const sql = await readFile(init, 'utf8');
      const broken = sql.replace('    "api_key_header" TEXT,\n', '');
      expect(broken).not.toEqual(sql);
      await writeFile(init, broken);
      const db = await createTestDatabase({ empty: true });
      dbs.push(db);
      await migrate(db.url, { migrationsDir: dir });
      expect(await checkSchemaMatchesDatabase(db.url)).toEqual([
        'column api.api_key_header (Api.apiKeyHeader) is missing',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

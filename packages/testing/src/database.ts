import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject('apim').serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function urlOf(name: string): string {
  const u = new URL(inject('apim').serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A database of this test file's own: migrated and seeded (cloned from the run's template), or
 * empty with `{ empty: true }`. Call drop() in afterAll.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const env = inject('apim');
  const name = `apim_t_${env.runId}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) =>
    c.query(options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${env.templateDb}`),
  );
  return {
    url: urlOf(name),
    name,
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

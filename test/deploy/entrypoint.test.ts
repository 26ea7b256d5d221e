// The image's entry point run as the containers run it (node deploy/image/entrypoint.mjs <command>),
// from the built apps: secrets made once and kept, an unknown command refused, and `migrate`
// migrating and seeding an empty database with the generated admin password.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@apim/testing';
import { inRoot } from './repository.js';

const run = promisify(execFile);
const dir = await mkdtemp(path.join(tmpdir(), 'apim-secrets-'));
let db: TestDatabase | undefined;
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

function entrypoint(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [inRoot('deploy', 'image', 'entrypoint.mjs'), ...args], {
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('deploy/image/entrypoint.mjs', () => {
  it('makes the secrets once, readable by their owner alone, and prints none of them', async () => {
    const first = await entrypoint(['secrets'], { APIM_SECRETS_DIR: dir });
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['admin-password', 'internal-secret', 'key-encryption-key']);
    const values = await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')));
    for (const f of files) expect((await stat(path.join(dir, f))).mode & 0o077).toBe(0);
    for (const v of values) expect(first.stdout).not.toContain(v);
    expect(Buffer.from(values[2]!, 'base64url')).toHaveLength(32);
    await entrypoint(['secrets'], { APIM_SECRETS_DIR: dir });
    expect(await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).toEqual(values);
  });

  it('refuses an unknown command, naming the ones it knows', async () => {
    const failed = await entrypoint(['gatway']).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(
      /Unknown command "gatway": use one of gateway, key-manager/,
    );
  });

  it('migrates and seeds an empty database, with the admin password from the secrets', async () => {
    db = await createTestDatabase({ empty: true });
    await entrypoint(['migrate'], { DATABASE_URL: db.url, APIM_SECRETS_DIR: dir, APIM_HOST: '0.0.0.0' });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const migrations = await client.query('SELECT count(*)::int AS n FROM _prisma_migrations');
      expect(migrations.rows[0].n).toBeGreaterThan(0);
      const admins = await client.query("SELECT username FROM user_account WHERE username = 'admin'");
      expect(admins.rows).toEqual([{ username: 'admin' }]);
    } finally {
      await client.end();
    }
  }, 60_000);
});

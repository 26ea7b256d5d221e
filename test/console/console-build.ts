/**
 * The console's production build for the browser tests, made once for all of them: every test file
 * asks for it, but `vite build` runs only when a source is newer than the build, and never twice at
 * once (test files run in parallel processes, and a build empties the folder others serve from).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The newest modification time under `dir` (files only; node_modules and builds skipped). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'build' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function buildConsoleOnce(root: string): void {
  const consoleDir = path.join(root, 'apps/console');
  const built = path.join(consoleDir, 'build/index.html');
  const sources = [
    consoleDir,
    path.join(root, 'packages/rest-contract/src'),
    path.join(root, 'packages/contracts/src'),
  ];
  const fresh = () => {
    try {
      return statSync(built).mtimeMs > Math.max(...sources.map(newest));
    } catch {
      return false;
    }
  };
  if (fresh()) return;
  const lock = path.join(consoleDir, '.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // another test file is building: wait for it (a lock older than 5 minutes is a dead run's)
      if (waited > 300_000) rmdirSync(lock);
      sleep(200);
    }
  }
  try {
    if (fresh()) return;
    const vite = path.join(consoleDir, 'node_modules/vite/bin/vite.js');
    const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: consoleDir,
      encoding: 'utf8',
      // vitest sets NODE_ENV=test, which would make Vite bundle React's development build (70 KB
      // more on the first page, over its budget): build what users get
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

// Makes a fresh clone runnable: checks Node, finds or bootstraps pnpm, installs dependencies,
// generates the Prisma client and builds the workspace, each only when its inputs changed.
// Plain JavaScript with no dependencies, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    fail(`Node.js 20.19 or newer is required; this is ${process.version}. Install a current Node.js LTS.`);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.error) fail(`Could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${[cmd, ...args].join(' ')} failed with exit code ${r.status}`);
}

let pnpmCommand;
/** pnpm on PATH when it is version 10, else pnpm 10 through npx (corepack is not usable everywhere). */
export function pnpm() {
  if (pnpmCommand) return pnpmCommand;
  const found = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim().startsWith('10.')) pnpmCommand = ['pnpm'];
  else {
    process.stdout.write('pnpm 10 not found on PATH: using it through npx\n');
    pnpmCommand = ['npx', '--yes', 'pnpm@10'];
  }
  return pnpmCommand;
}

export function runPnpm(args, options) {
  const [cmd, ...pre] = pnpm();
  run(cmd, [...pre, ...args], options);
}

function hashFiles(files) {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f);
    h.update(existsSync(f) ? readFileSync(f) : '');
  }
  return h.digest('hex');
}

function workspaceManifests() {
  const out = [
    path.join(root, 'package.json'),
    path.join(root, 'pnpm-workspace.yaml'),
    path.join(root, 'pnpm-lock.yaml'),
  ];
  for (const group of ['apps', 'packages']) {
    for (const name of readdirSync(path.join(root, group))) {
      const manifest = path.join(root, group, name, 'package.json');
      if (existsSync(manifest)) out.push(manifest);
    }
  }
  return out;
}

/** Runs `action` when the hash of `inputs` differs from the one recorded under `stampName`. */
function whenChanged(stampName, inputs, extraCheck, action) {
  const dir = path.join(root, 'node_modules', '.apim');
  const stamp = path.join(dir, stampName);
  const hash = hashFiles(inputs);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && extraCheck()) return;
  action();
  mkdirSync(dir, { recursive: true });
  writeFileSync(stamp, hash);
}

export function bootstrap({ quiet = false } = {}) {
  checkNode();
  const say = (m) => quiet || process.stdout.write(`${m}\n`);
  whenChanged(
    'install',
    workspaceManifests(),
    () => existsSync(path.join(root, 'node_modules', '.modules.yaml')),
    () => {
      say('Installing dependencies (pnpm install)...');
      runPnpm(['install', '--frozen-lockfile', '--prefer-offline']);
    },
  );
  whenChanged(
    'prisma-generate',
    [path.join(root, 'prisma', 'schema.prisma'), path.join(root, 'packages', 'db', 'package.json')],
    () => existsSync(path.join(root, 'packages', 'db', 'src', 'generated', 'prisma', 'client.ts')),
    () => {
      say('Generating the Prisma client...');
      run(process.execPath, [path.join(root, 'scripts', 'prisma-generate.mjs')]);
    },
  );
  say('Building (tsc -b)...');
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
  if (existsSync(path.join(root, 'apps', 'console', 'package.json'))) {
    whenChanged(
      'console-build',
      consoleSources(),
      () => existsSync(path.join(root, 'apps', 'console', 'build', 'index.html')),
      () => {
        say('Building the console (vite build)...');
        runPnpm(['--filter', '@apim/console', 'run', 'build']);
      },
    );
  }
}

function consoleSources() {
  const dir = path.join(root, 'apps', 'console');
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'build') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

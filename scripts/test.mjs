// `npm test`: install what is missing, build, then lint, format check, type-check and every test
// (unit, integration against real Postgres and Redis, cross-app under test/). Extra arguments go
// to vitest, e.g. `npm test -- apps/gateway`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bootstrap, root } from './bootstrap.mjs';

const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);

function step(title, args) {
  process.stdout.write(`\n== ${title}\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

/** The console's browser tests drive Debian's Chromium; install it when we can (root with apt). */
function ensureChromium() {
  if (process.env.CHROMIUM_PATH || existsSync('/usr/bin/chromium')) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    process.stdout.write('Installing Chromium for the browser tests (apt-get install chromium)...\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (r.status === 0) return;
  }
  process.stdout.write(
    'Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH; browser tests will fail.\n',
  );
}

bootstrap();
ensureChromium();
const only = process.argv.slice(2);
let ok = true;
if (only.length === 0) {
  ok = step('eslint', [bin('eslint', 'bin/eslint.js'), '.']) && ok;
  ok =
    step('prettier --check', [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level', 'warn', '.']) &&
    ok;
  ok = step('tsc (sources and tests)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.check.json']) && ok;
  if (existsSync(path.join(root, 'apps/console/tsconfig.json')))
    ok = step('tsc (console)', [bin('typescript', 'bin/tsc'), '-p', 'apps/console']) && ok;
}
const resultsDir = path.join(root, 'test-artifacts');
mkdirSync(resultsDir, { recursive: true });
const results = path.join(resultsDir, 'vitest-results.json');
const testsOk = step('vitest', [
  bin('vitest', 'vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`,
  ...only,
]);

let summary = '';
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
if (!ok) process.stdout.write('\nLint, format or type check failed (see above).\n');
process.stdout.write(`\n${summary || '0 passed, 1 failed'}\n`);
process.exit(ok && testsOk ? 0 : 1);

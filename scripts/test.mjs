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

bootstrap();
const only = process.argv.slice(2);
let ok = true;
if (only.length === 0) {
  ok = step('eslint', [bin('eslint', 'bin/eslint.js'), '.']) && ok;
  ok =
    step('prettier --check', [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level', 'warn', '.']) &&
    ok;
  ok = step('tsc (sources and tests)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.check.json']) && ok;
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

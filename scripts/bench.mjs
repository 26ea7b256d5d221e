// `npm run bench [-- name ...]`: builds, then runs bench/<name>.mjs (all of them when none is
// named) one after another, so their load generators never compete for the two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { bootstrap, root } from './bootstrap.mjs';

bootstrap();
const dir = path.join(root, 'bench');
const names = process.argv.slice(2);
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.replace(/\.mjs$/, ''))
  .sort();
const chosen = names.length ? names : all;
let failed = false;
for (const name of chosen) {
  const file = path.join(dir, `${name}.mjs`);
  if (!existsSync(file)) {
    process.stderr.write(`No benchmark ${name}; there are: ${all.join(', ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`\n== bench/${name}.mjs\n`);
  const r = spawnSync(process.execPath, [file], { cwd: root, stdio: 'inherit' });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);

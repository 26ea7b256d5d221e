// Generates the Prisma client into packages/db/src/generated. `prisma generate` insists on a
// schema-engine binary path even though generate never runs it, and the engine cannot be
// downloaded on machines without internet access: any existing file satisfies the check.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'packages/db/package.json'));
const cli = require.resolve('prisma/build/index.js');
const r = spawnSync(
  process.execPath,
  [cli, 'generate', '--schema', path.join(root, 'prisma/schema.prisma')],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  },
);
if (r.status !== 0) {
  process.stderr.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}

import { defineConfig } from 'vitest/config';

/**
 * The failure suite (npm run test:failure) and the soak (npm run soak): a cluster of real processes
 * behind nginx, minutes per fault. Kept out of `npm test` (its files end in .fault.ts, which the
 * default configuration does not include) so that the whole test run stays within its time budget
 * and its load does not skew other tests on the two shared cores.
 */
export default defineConfig({
  // the workspace packages from their builds (dist), like the apps the suite starts: `npx tsc -b` first
  test: {
    include: ['test/failure/**/*.fault.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
});

/** `npm run contract`: regenerates src/generated/*.ts from the schemas (run from dist/ after a build). */
import { checkGenerated } from '../generate.js';

const changed = await checkGenerated(true);
process.stdout.write(
  changed.length
    ? `Regenerated: ${changed.map((a) => `src/generated/${a}.ts`).join(', ')}\n`
    : 'Up to date\n',
);

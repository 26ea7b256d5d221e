import { connectTo, envReader, runMain } from '@apim/service';
import { ensureDatabase, migrate } from '../migrate.js';

await runMain('migrate', async () => {
  const databaseUrl = envReader().url('DATABASE_URL', undefined, ['postgres', 'postgresql']);
  if (await connectTo('the database', databaseUrl, () => ensureDatabase(databaseUrl)))
    console.log('created the database');
  const r = await migrate(databaseUrl, { log: (l) => console.log(l) });
  console.log(`${r.applied.length} migration(s) applied, ${r.alreadyApplied.length} already applied`);
  process.exit(0);
});

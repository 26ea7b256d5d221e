import { runMain } from '@apim/service';
import { loadConfig } from './config.js';
import { createApp } from './server.js';

await runMain('key-manager', async () => {
  const config = loadConfig();
  const app = await createApp(config);
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(config.port, config.host, () => resolve());
  });
  process.stdout.write(`key-manager: listening on ${config.host}:${config.port}, issuer ${config.issuer}\n`);
  return app;
});

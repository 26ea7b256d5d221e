import { runMain } from '@apim/service';
import { loadConfig } from './config.js';
import { createApp } from './server.js';

await runMain('control-plane', async () => {
  const config = loadConfig();
  const app = await createApp(config);
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(config.port, config.host, () => resolve());
  });
  app.context.log.info({ port: config.port, host: config.host }, 'control plane listening');
  return app;
});

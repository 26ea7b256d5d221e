/** Starts the real control plane on a free port, for other packages' tests. */
import type { AddressInfo } from 'node:net';
import { randomSecret } from '@apim/service';
import { loadConfig } from './config.js';
import { createApp, type ControlPlane } from './server.js';

export interface StartControlPlaneOptions {
  databaseUrl: string;
  /** default: none (the discard port: what needs the key manager fails) */
  keyManagerUrl?: string;
  /** default: a random one (no key manager or gateway shares it) */
  internalSecret?: string;
  redisUrl: string;
  redisPrefix: string;
  tokenAudience?: string;
  importUrlAllowlist?: string[];
  /** the built console to serve (default: none) */
  consoleDir?: string;
  /** the port to listen on (default: a free one) */
  port?: number;
  logLevel?: string;
  /** any other APIM_* setting of config.ts */
  env?: Record<string, string>;
}

export interface RunningControlPlane {
  url: string;
  app: ControlPlane;
  close(): Promise<void>;
}

export async function startControlPlane(options: StartControlPlaneOptions): Promise<RunningControlPlane> {
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    APIM_REDIS_PREFIX: options.redisPrefix,
    APIM_KEY_MANAGER_URL: options.keyManagerUrl ?? 'http://127.0.0.1:9',
    APIM_INTERNAL_SECRET: options.internalSecret ?? randomSecret(32),
    APIM_TOKEN_AUDIENCE: options.tokenAudience,
    APIM_IMPORT_URL_ALLOWLIST: options.importUrlAllowlist?.join(','),
    APIM_CONTROL_PLANE_PORT: String(options.port ?? 0),
    // a folder that does not exist serves no console
    APIM_CONSOLE_DIR: options.consoleDir ?? '/nonexistent-console',
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...options.env,
  });
  const app = await createApp(config);
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}

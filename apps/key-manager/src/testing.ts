/**
 * Starts the real key manager on 127.0.0.1, port 0, for other packages' tests:
 * `import { startKeyManager } from '@apim/key-manager/testing'`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Logger } from '@apim/service';
import { loadConfig } from './config.js';
import { createApp, type KeyManagerApp } from './server.js';

export interface StartKeyManagerOptions {
  databaseUrl: string;
  redisUrl?: string;
  redisPrefix?: string;
  /** default: a random one (returned) */
  internalSecret?: string;
  /** base64url of 32 bytes; default: a random one */
  keyEncryptionKey?: string;
  tokenAudience?: string;
  consoleUrl?: string;
  signingAlg?: 'RS256' | 'ES256';
  logLevel?: string;
  /** instead of JSON lines on stdout (e.g. to read what it logged) */
  logger?: Logger;
  /** any other APIM_* setting of config.ts */
  env?: Record<string, string>;
}

export interface StartedKeyManager {
  /** base URL, e.g. http://127.0.0.1:40123 (also the issuer) */
  url: string;
  issuer: string;
  internalSecret: string;
  tokenEndpoint: string;
  jwksUri: string;
  app: KeyManagerApp;
  close(): Promise<void>;
}

export async function startKeyManager(options: StartKeyManagerOptions): Promise<StartedKeyManager> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const internalSecret = options.internalSecret ?? randomBytes(32).toString('base64url');
  const env: Record<string, string | undefined> = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    APIM_REDIS_PREFIX: options.redisPrefix,
    APIM_INTERNAL_SECRET: internalSecret,
    APIM_KEY_ENCRYPTION_KEY: options.keyEncryptionKey ?? randomBytes(32).toString('base64url'),
    APIM_KEY_MANAGER_URL: url,
    APIM_TOKEN_AUDIENCE: options.tokenAudience,
    APIM_CONSOLE_URL: options.consoleUrl,
    APIM_SIGNING_ALG: options.signingAlg,
    LOG_LEVEL: options.logLevel ?? 'silent',
    ...options.env,
  };
  let app: KeyManagerApp;
  try {
    app = await createApp(loadConfig(env), { logger: options.logger });
  } catch (e) {
    server.close();
    throw e;
  }
  server.on('request', app.requestListener);
  return {
    url,
    issuer: url,
    internalSecret,
    tokenEndpoint: `${url}/oauth2/token`,
    jwksUri: `${url}/oauth2/jwks`,
    app,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

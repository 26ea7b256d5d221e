/**
 * Starting real gateways for end-to-end tests: in this process (startGateway) or as a separate
 * process running src/main.ts (startGatewayProcess), for multi-node tests.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import { createApp, type GatewayApp } from './server.js';

export interface StartGatewayOptions {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  keyManagerUrl: string;
  internalSecret: string;
  environment?: string;
  /** any other APIM_GATEWAY_* setting */
  env?: Record<string, string>;
}

export interface StartedGateway {
  url: string;
  /** the HTTPS listener, when APIM_GATEWAY_TLS_CERT/KEY are set */
  httpsUrl: string | null;
  app: GatewayApp;
  /** resolves once the snapshot is loaded (always true once startGateway has resolved) */
  ready(): Promise<void>;
  close(): Promise<void>;
}

function envOf(o: StartGatewayOptions): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    APIM_REDIS_PREFIX: o.redisPrefix,
    APIM_KEY_MANAGER_URL: o.keyManagerUrl,
    APIM_INTERNAL_SECRET: o.internalSecret,
    APIM_GATEWAY_ENVIRONMENT: o.environment ?? 'Default',
    APIM_GATEWAY_PORT: '0',
    APIM_GATEWAY_METRICS_PORT: '0',
    APIM_GATEWAY_ANALYTICS_FLUSH_MS: '100',
    LOG_LEVEL: 'silent',
    ...o.env,
  };
}

export async function startGateway(o: StartGatewayOptions): Promise<StartedGateway> {
  const app = await createApp(loadConfig(envOf(o)));
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const { port } = app.server.address() as AddressInfo;
  let httpsUrl: string | null = null;
  if (app.httpsServer) {
    const https = app.httpsServer;
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    httpsUrl,
    app,
    ready: () => Promise.resolve(),
    close: () => app.close(),
  };
}

export interface GatewayProcess {
  url: string;
  metricsUrl: string;
  pid: number;
  /** the process's exit code once it has exited (null when a signal ended it) */
  exited: Promise<number | null>;
  /** SIGTERM and wait for exit */
  close(): Promise<void>;
}

const mainTs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

/**
 * Runs the gateway's main in a child process (TypeScript through tsx, workspace packages from
 * source) with one worker; resolves when it logs that it listens.
 */
export function startGatewayProcess(o: StartGatewayOptions): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainTs], {
    cwd: path.dirname(path.dirname(mainTs)),
    env: { ...process.env, APIM_GATEWAY_WORKERS: '1', ...envOf(o), LOG_LEVEL: o.env?.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        let msg: { msg?: string; port?: number; metricsPort?: number };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          continue;
        }
        if (msg.msg === 'listening' && msg.port)
          resolve({
            url: `http://127.0.0.1:${msg.port}`,
            metricsUrl: `http://127.0.0.1:${msg.metricsPort}`,
            pid: child.pid!,
            exited,
            close: async () => {
              if (child.exitCode === null) child.kill('SIGTERM');
              await exited;
            },
          });
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}: ${err.trim()}`)));
  });
}

/** The gateway's test backends, for other packages' end-to-end tests: a `ws` echo, a graphql-js server. */
export { startEchoBackend, type EchoBackend } from './websocket/test-backends.js';
export { startGraphqlBackend, type GraphqlBackend } from './handlers/graphql/test-backend.js';
/** the GitHub-like GraphQL schema (SDL file) the graphql backend serves */
export const GITHUB_GRAPHQL_SCHEMA_FILE = fileURLToPath(
  new URL('../src/handlers/graphql/fixtures/github.graphql', import.meta.url),
);

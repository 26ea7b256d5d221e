import { ConfigError, envReader, redactUrl } from './config.js';
import { keepTickShape } from './tick-shape.js';

export interface Closable {
  close(): Promise<void>;
}

/** One line a person can act on, for errors that stop a process at start-up. */
export function describeStartupError(e: unknown): string {
  if (e instanceof ConfigError) return e.message;
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; errors?: unknown[] };
  if (err && typeof err === 'object') {
    const nested = Array.isArray(err.errors) && err.errors.length > 0 ? (err.errors[0] as typeof err) : err;
    if (nested.code === 'ECONNREFUSED' || nested.code === 'ENOTFOUND' || nested.code === 'ETIMEDOUT') {
      const where = nested.address ? `${nested.address}${nested.port ? `:${nested.port}` : ''}` : '';
      return `${err.message.split('\n')[0]}${where && !err.message.includes(where) ? ` (${where})` : ''}`;
    }
    if (nested.code === 'EADDRINUSE') return `Port already in use: ${err.message}`;
    if (typeof err.message === 'string') return redactUrl(err.message.split('\n')[0] ?? String(e));
  }
  return String(e);
}

/** APIM_SHUTDOWN_TIMEOUT_MS: how long a stopping app may take to finish its in-flight requests. */
export function readShutdownTimeout(env: Record<string, string | undefined>): number {
  return envReader(env).int('APIM_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 3_600_000);
}

/**
 * The exit code of a start that failed on its configuration (sysexits' EX_CONFIG): starting again
 * as it is cannot help, so a supervisor should not retry it (systemd's RestartPreventExitStatus=78;
 * the gateway's primary stops rather than restart a worker that exits so).
 */
export const EXIT_CONFIG = 78;

/**
 * A failure to listen that no retry mends (the port held by another program, not this user's to
 * bind, an address this machine lacks) as a ConfigError naming the setting; any other error as it is.
 */
export function listenError(e: NodeJS.ErrnoException, variable: string, host: string, port: number): Error {
  const where = `(${host}:${port})`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new ConfigError(variable, `${where} is taken by another program: stop it or set another port`);
    case 'EACCES':
      return new ConfigError(variable, `${where} may not be listened on by this user`);
    case 'EADDRNOTAVAIL':
      return new ConfigError(variable, `${where}: this machine has no such address`);
    default:
      return e;
  }
}

/**
 * Runs an app's main: starts it, stops it cleanly on SIGINT/SIGTERM, and turns a start-up failure
 * into one line on stderr and exit code 1, or EXIT_CONFIG for a ConfigError (no stack trace).
 * Stopping is the app's close(): it stops accepting, lets in-flight requests finish and closes idle
 * keep-alive connections (so a rolling upgrade behind a load balancer drops nothing); after
 * APIM_SHUTDOWN_TIMEOUT_MS the process exits anyway, code 1, so a stuck request cannot hold an
 * upgrade for ever. Before anything else it keeps process.nextTick fast for the life of the
 * process (keepTickShape).
 */
export async function runMain(name: string, start: () => Promise<Closable>): Promise<void> {
  keepTickShape();
  let app: Closable;
  let timeoutMs: number;
  try {
    timeoutMs = readShutdownTimeout(process.env);
    app = await start();
  } catch (e) {
    process.stderr.write(`${name}: ${describeStartupError(e)}\n`);
    process.exit(e instanceof ConfigError ? EXIT_CONFIG : 1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write(`${name}: did not stop within ${timeoutMs} ms after ${signal}, exiting\n`);
      process.exit(1);
    }, timeoutMs);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`${name}: error while stopping: ${describeStartupError(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  '28P01': 'password authentication failed',
  '28000': 'authentication rejected',
  '3D000': 'the database does not exist',
};

/** A dependency (database, Redis, key manager) that could not be reached at start-up. */
export class DependencyError extends Error {
  override name = 'DependencyError';
  constructor(what: string, url: string, cause: unknown) {
    const c = cause as { code?: string; errors?: Array<{ code?: string }>; message?: string };
    const code = c?.code ?? c?.errors?.[0]?.code;
    // an AggregateError (every address refused) or a driver error may have an empty message
    const reason =
      (code && REASONS[code]) ||
      c?.message?.split('\n')[0] ||
      code ||
      c?.constructor?.name ||
      'unknown error';
    super(`Cannot reach ${what} at ${redactUrl(url)}: ${reason}`);
  }
}

/** Runs `connect`, turning any failure into a DependencyError that names what and where. */
export async function connectTo<T>(what: string, url: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (e) {
    throw new DependencyError(what, url, e);
  }
}

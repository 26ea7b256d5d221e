import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';

async function ping(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1500,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export interface RedisHandle {
  url: string;
  started?: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Redis at `url`; when nothing answers there and `redis-server` is on PATH, one started by us with
 * its data under `dataDir/redis`. Otherwise an error that says how to get Redis.
 */
export async function ensureRedis(url: string, dataDir: string): Promise<RedisHandle> {
  if (await ping(url)) return { url, stop: async () => undefined };
  const u = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname);
  const available = spawnSync('redis-server', ['--version']).status === 0;
  if (!local || !available)
    throw new Error(
      `Cannot reach Redis at ${u.host}${local ? ' and redis-server is not on PATH' : ''}: start Redis there, set REDIS_URL to one that runs, or install redis-server (e.g. apt-get install redis-server)`,
    );
  const dir = path.join(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const port = u.port || '6379';
  const child = spawn(
    'redis-server',
    [
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '60 1',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    if (await ping(url)) {
      return {
        url,
        started: child,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

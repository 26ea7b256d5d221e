import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createRedisClient, describeRedis, type RedisConfig } from '@apim/service';

async function ping(config: RedisConfig): Promise<boolean> {
  const redis = createRedisClient(config, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
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
  /** a redis-server we started (at REDIS_URL) */
  started?: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The Redis the apps are configured for. A Sentinel or Cluster must answer as it is: it is an
 * operator's. A single server at REDIS_URL that does not answer is started here when it is local
 * and `redis-server` is on PATH, with its data under `dataDir/redis`. Otherwise an error that says
 * how to get Redis.
 */
export async function ensureRedis(config: RedisConfig, dataDir: string): Promise<RedisHandle> {
  if (await ping(config)) return { stop: async () => undefined };
  if (config.mode !== 'standalone')
    throw new Error(
      `Cannot reach Redis (${describeRedis(config)}): start it, or unset APIM_REDIS_SENTINELS / APIM_REDIS_CLUSTER_NODES to use REDIS_URL`,
    );
  const u = new URL(config.url);
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
      // queued analytics batches and workflow jobs survive a crash (BullMQ's advice)
      '--appendonly',
      'yes',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    if (await ping(config)) {
      return {
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

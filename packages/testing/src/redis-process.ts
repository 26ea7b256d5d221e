/** Starting and killing redis-server children (startRedisServer, startRedisSentinel, startRedisCluster). */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Spawns redis-server with `args` and resolves once it answers PING on `port`. */
export async function spawnRedisServer(port: number, args: string[]): Promise<ChildProcess> {
  const c = spawn('redis-server', args, { stdio: 'ignore' });
  for (let i = 0; i < 200 && c.exitCode === null; i++) {
    if (await answers(`redis://127.0.0.1:${port}`)) return c;
    await new Promise((r) => setTimeout(r, 50));
  }
  c.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not start`);
}

/** Kills (SIGKILL) and waits for the exit. */
export async function killRedisServer(c: ChildProcess | null): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGKILL');
  await exited;
}

/** redis-server arguments of a test server on `port` that keeps nothing on disk. */
export function ephemeralRedisArgs(port: number): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
}

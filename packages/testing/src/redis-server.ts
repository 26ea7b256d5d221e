/**
 * A redis-server child of the test's own, to stop and start for outage tests: the machine's shared
 * Redis is never stopped. By default it keeps nothing on disk (`--save "" --appendonly no`), so a
 * restart starts empty; with `dir` it keeps an append-only file there, written before each reply
 * (`appendfsync always`), as a Redis that holds BullMQ queues is run, so a restart after kill -9
 * finds every write it acknowledged.
 */
import type { ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';
import { ephemeralRedisArgs, killRedisServer, spawnRedisServer } from './redis-process.js';

export interface OwnRedis {
  url: string;
  /** kills the server (SIGKILL, as a crash would) and waits for it to exit */
  stop(): Promise<void>;
  /** starts it again on the same port */
  start(): Promise<void>;
}

export async function startRedisServer(options: { dir?: string } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = options.dir
    ? ['--port', String(port), '--bind', '127.0.0.1', '--dir', options.dir, '--save', ''].concat([
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ])
    : ephemeralRedisArgs(port);
  let child: ChildProcess | null = null;
  const start = async () => {
    child = await spawnRedisServer(port, args);
  };
  const stop = async () => {
    const c = child;
    child = null;
    await killRedisServer(c);
  };
  await start();
  return { url, start, stop };
}

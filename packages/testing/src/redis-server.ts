/**
 * A redis-server child of the test's own, to stop and start for outage tests: the machine's shared
 * Redis is never stopped. It keeps nothing on disk (`--save "" --appendonly no`), so a restart
 * starts empty.
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

export async function startRedisServer(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    child = await spawnRedisServer(port, ephemeralRedisArgs(port));
  };
  const stop = async () => {
    const c = child;
    child = null;
    await killRedisServer(c);
  };
  await start();
  return { url, start, stop };
}

/**
 * Redis Sentinel and Redis Cluster of the test's own (redis-server children on free loopback
 * ports, nothing kept after close), for the apps' Sentinel and Cluster modes
 * (APIM_REDIS_SENTINELS, APIM_REDIS_CLUSTER_NODES).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis, type Cluster } from 'ioredis';
import { freePort } from './ports.js';
import { ephemeralRedisArgs, killRedisServer, spawnRedisServer } from './redis-process.js';

const run = promisify(execFile);

export interface OwnRedisSentinel {
  /** `127.0.0.1:port` of the sentinel: APIM_REDIS_SENTINELS */
  sentinels: string;
  /** the monitored master's name: APIM_REDIS_SENTINEL_MASTER */
  masterName: string;
  /** the master itself, for checks behind the apps' back */
  masterUrl: string;
  /**
   * With a replica: kills the master (SIGKILL, as a machine lost) and resolves once the sentinel has
   * promoted the replica, with the new master's URL. Without one there is nothing to fail over to.
   */
  failMaster(): Promise<string>;
  close(): Promise<void>;
}

export interface OwnRedisCluster {
  /** `127.0.0.1:port,...` of its nodes: APIM_REDIS_CLUSTER_NODES */
  nodes: string;
  close(): Promise<void>;
}

async function stopAll(children: ChildProcess[], dir: string): Promise<void> {
  await Promise.all(children.map((c) => killRedisServer(c)));
  await rm(dir, { recursive: true, force: true });
}

/** Resolves once `check` holds, polling every 50 ms for up to 10 s. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not happen within 10 s`);
}

async function ask<T>(port: number, command: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await command(r);
  } finally {
    r.disconnect();
  }
}

/** Whether the sentinel at `port` names the server at `masterPort` as `masterName`'s master. */
async function namesMaster(port: number, masterName: string, masterPort: number): Promise<boolean> {
  const addr = await ask(port, (r) => r.call('SENTINEL', 'get-master-addr-by-name', masterName));
  return Array.isArray(addr) && addr[1] === String(masterPort);
}

/**
 * A master and one sentinel monitoring it (quorum 1); with `replica`, a replica of the master too,
 * in sync before this resolves, and a sentinel quick to fail over to it (down after 1 s).
 */
export async function startRedisSentinel(
  masterName = 'apim-test',
  { replica = false }: { replica?: boolean } = {},
): Promise<OwnRedisSentinel> {
  const dir = await mkdtemp(path.join(tmpdir(), 'apim-sentinel-'));
  const children: ChildProcess[] = [];
  try {
    const masterPort = await freePort();
    const master = await spawnRedisServer(masterPort, ephemeralRedisArgs(masterPort));
    children.push(master);
    const replicaPort = replica ? await freePort() : null;
    if (replicaPort !== null) {
      children.push(
        await spawnRedisServer(replicaPort, [
          ...ephemeralRedisArgs(replicaPort),
          // a replica writes the master's snapshot to its folder before loading it
          '--dir',
          dir,
          '--replicaof',
          '127.0.0.1',
          String(masterPort),
        ]),
      );
      await until('the replica in sync with its master', async () => {
        const info = await ask(masterPort, (r) => r.info('replication'));
        return /slave0:.*state=online/.test(info);
      });
    }
    const port = await freePort();
    // a sentinel rewrites its configuration file, so it must have one of its own
    const conf = path.join(dir, 'sentinel.conf');
    await writeFile(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${masterName} ${replica ? 1000 : 5000}`,
        `sentinel failover-timeout ${masterName} 10000`,
        '',
      ].join('\n'),
    );
    children.push(await spawnRedisServer(port, [conf, '--sentinel']));
    await until('the sentinel naming its master', () => namesMaster(port, masterName, masterPort));
    if (replicaPort !== null)
      await until('the sentinel knowing the replica', async () => {
        const replicas = await ask(port, (r) => r.call('SENTINEL', 'replicas', masterName));
        return Array.isArray(replicas) && replicas.length === 1;
      });
    return {
      sentinels: `127.0.0.1:${port}`,
      masterName,
      masterUrl: `redis://127.0.0.1:${masterPort}`,
      async failMaster() {
        if (replicaPort === null) throw new Error('this sentinel has no replica to fail over to');
        await killRedisServer(master);
        // the master is down after 1 s, then the election and the promotion
        await until('the sentinel promoting the replica', () => namesMaster(port, masterName, replicaPort));
        return `redis://127.0.0.1:${replicaPort}`;
      },
      close: () => stopAll(children, dir),
    };
  } catch (e) {
    await stopAll(children, dir);
    throw e;
  }
}

/** A cluster of three masters (no replicas), every slot assigned. */
export async function startRedisCluster(): Promise<OwnRedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'apim-cluster-'));
  const children: ChildProcess[] = [];
  try {
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports)
      children.push(
        await spawnRedisServer(port, [
          ...ephemeralRedisArgs(port),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          path.join(dir, `nodes-${port}.conf`),
          '--dir',
          dir,
        ]),
      );
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    await until('the cluster being ok on every node', async () => {
      const infos = await Promise.all(ports.map((p) => ask(p, (r) => r.cluster('INFO'))));
      return infos.every((info) => info.includes('cluster_state:ok'));
    });
    return { nodes: nodes.join(','), close: () => stopAll(children, dir) };
  } catch (e) {
    await stopAll(children, dir);
    throw e;
  }
}

/** Keys matching `pattern` on every master: a cluster's, or the one server a client talks to. */
export async function keysOnMasters(redis: Redis | Cluster, pattern: string): Promise<string[]> {
  await redis.ping(); // a cluster client knows its nodes once connected
  const masters = 'nodes' in redis ? redis.nodes('master') : [redis];
  return (await Promise.all(masters.map((node) => node.keys(pattern)))).flat();
}

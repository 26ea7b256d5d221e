/**
 * Which Redis the apps use (one server, a Sentinel-monitored master, or a Redis Cluster), read and
 * validated at start-up, and the one factory that makes their ioredis clients from it.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { ConfigError, envReader } from './config.js';

type Env = Record<string, string | undefined>;

export interface RedisNode {
  host: string;
  port: number;
}

/** What every data connection carries, from REDIS_URL (and APIM_REDIS_PASSWORD). */
interface DataConnection {
  username?: string;
  password?: string;
  db?: number;
  /** rediss: */
  tls: boolean;
}

export type RedisConfig =
  /** REDIS_URL names the server */
  | { mode: 'standalone'; url: string }
  /** the master the sentinels name; REDIS_URL gives only the credentials, database and TLS */
  | {
      mode: 'sentinel';
      sentinels: RedisNode[];
      masterName: string;
      sentinelPassword?: string;
      data: DataConnection;
    }
  /** the cluster these nodes belong to (any of them tells the others); database 0 only */
  | { mode: 'cluster'; nodes: RedisNode[]; data: DataConnection };

/** An ioredis client of either kind: both take the same commands, Lua scripts and BullMQ queues. */
export type RedisClient = Redis | Cluster;

/** `host:port,host:port` (`[v6]:port` for IPv6; the port may be left out for `defaultPort`). */
function parseNodes(variable: string, text: string, defaultPort: number): RedisNode[] {
  return text.split(',').map((item) => {
    const entry = item.trim();
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/@]+))(?::(\d+))?$/.exec(entry);
    const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
    if (!m || port < 1 || port > 65535)
      throw new ConfigError(
        variable,
        `must be a comma-separated list of host:port, got ${JSON.stringify(entry || text)}`,
      );
    return { host: (m[1] ?? m[2])!, port };
  });
}

function dataConnection(url: string, password: string | undefined): DataConnection {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new ConfigError('REDIS_URL', `must name a database by number, got ${JSON.stringify(db)}`);
  return {
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: password ?? (u.password ? decodeURIComponent(u.password) : undefined),
    db: db === '' ? undefined : Number(db),
    tls: u.protocol === 'rediss:',
  };
}

/**
 * REDIS_URL, or Sentinel (APIM_REDIS_SENTINELS + APIM_REDIS_SENTINEL_MASTER, optional
 * APIM_REDIS_SENTINEL_PASSWORD), or Cluster (APIM_REDIS_CLUSTER_NODES). In the last two REDIS_URL,
 * when set, gives the data connections' username, password, database and TLS (its host is not
 * used), and APIM_REDIS_PASSWORD, when set, their password.
 */
export function readRedisConfig(env: Env = process.env): RedisConfig {
  const r = envReader(env);
  const url = r.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis', 'rediss']);
  const sentinels = r.optionalString('APIM_REDIS_SENTINELS');
  const masterName = r.optionalString('APIM_REDIS_SENTINEL_MASTER');
  const sentinelPassword = r.optionalString('APIM_REDIS_SENTINEL_PASSWORD');
  const clusterNodes = r.optionalString('APIM_REDIS_CLUSTER_NODES');
  const password = r.optionalString('APIM_REDIS_PASSWORD');
  if (sentinels && clusterNodes)
    throw new ConfigError(
      'APIM_REDIS_CLUSTER_NODES',
      'cannot be set together with APIM_REDIS_SENTINELS: choose Sentinel or Cluster',
    );
  if (!sentinels) {
    const stray = masterName
      ? 'APIM_REDIS_SENTINEL_MASTER'
      : sentinelPassword
        ? 'APIM_REDIS_SENTINEL_PASSWORD'
        : null;
    if (stray) throw new ConfigError(stray, 'is set but APIM_REDIS_SENTINELS is not');
  }
  if (sentinels) {
    if (!masterName)
      throw new ConfigError('APIM_REDIS_SENTINEL_MASTER', 'is required with APIM_REDIS_SENTINELS');
    return {
      mode: 'sentinel',
      sentinels: parseNodes('APIM_REDIS_SENTINELS', sentinels, 26379),
      masterName,
      sentinelPassword,
      data: dataConnection(url, password),
    };
  }
  if (clusterNodes) {
    const data = dataConnection(url, password);
    if (data.db)
      throw new ConfigError(
        'REDIS_URL',
        'must not select a database with APIM_REDIS_CLUSTER_NODES: a Redis Cluster has database 0 only',
      );
    return { mode: 'cluster', nodes: parseNodes('APIM_REDIS_CLUSTER_NODES', clusterNodes, 6379), data };
  }
  if (password)
    throw new ConfigError(
      'APIM_REDIS_PASSWORD',
      'is for Sentinel or Cluster; with one server put the password in REDIS_URL',
    );
  return { mode: 'standalone', url };
}

/**
 * The key prefix actually used. Redis Cluster refuses a command, transaction or Lua script whose
 * keys hash to different slots, and BullMQ needs each queue's keys in one slot: in cluster mode the
 * prefix becomes a hash tag (`apim` -> `{apim}`), so all of one installation's keys share a slot
 * (one shard serves it; installations with different prefixes spread over the shards). A prefix
 * that already holds a hash tag is used as it is.
 */
export function redisKeyPrefix(prefix: string, redis: RedisConfig): string {
  return redis.mode === 'cluster' && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
}

/** Where Redis is, for start-up errors and logs (no password). */
export function describeRedis(redis: RedisConfig): string {
  const list = (nodes: RedisNode[]) =>
    nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  switch (redis.mode) {
    case 'standalone':
      return redis.url;
    case 'sentinel':
      return `sentinels ${list(redis.sentinels)} (master ${redis.masterName})`;
    case 'cluster':
      return `cluster nodes ${list(redis.nodes)}`;
  }
}

function dataOptions(d: DataConnection): RedisOptions {
  return {
    username: d.username,
    password: d.password,
    db: d.db,
    ...(d.tls ? { tls: {} } : {}),
  };
}

/**
 * A client for `redis` with an app's own `options` (lazyConnect, maxRetriesPerRequest,
 * enableOfflineQueue, retryStrategy...), whichever the mode. In cluster mode lazyConnect,
 * enableOfflineQueue and retryStrategy apply to the cluster client, the rest to each node's
 * connection.
 */
export function createRedisClient(redis: RedisConfig, options: RedisOptions = {}): RedisClient {
  switch (redis.mode) {
    case 'standalone':
      return new Redis(redis.url, options);
    case 'sentinel':
      return new Redis({
        ...dataOptions(redis.data),
        sentinels: redis.sentinels,
        name: redis.masterName,
        sentinelPassword: redis.sentinelPassword,
        enableTLSForSentinelMode: redis.data.tls,
        ...options,
      });
    case 'cluster': {
      const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = options;
      const cluster: ClusterOptions = {
        redisOptions: { ...dataOptions(redis.data), ...perNode },
      };
      if (lazyConnect !== undefined) cluster.lazyConnect = lazyConnect;
      if (enableOfflineQueue !== undefined) cluster.enableOfflineQueue = enableOfflineQueue;
      if (retryStrategy) cluster.clusterRetryStrategy = retryStrategy;
      return new Cluster(redis.nodes, cluster);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { commonConfig } from './config.js';
import { describeRedis, readRedisConfig, redisKeyPrefix } from './redis.js';

describe('readRedisConfig', () => {
  it('is one server at REDIS_URL unless Sentinel or Cluster is configured', () => {
    expect(readRedisConfig({})).toEqual({ mode: 'standalone', url: 'redis://127.0.0.1:6379' });
    expect(readRedisConfig({ REDIS_URL: 'rediss://:pw@r:6380/2' })).toEqual({
      mode: 'standalone',
      url: 'rediss://:pw@r:6380/2',
    });
  });

  it('reads Sentinel, taking credentials, database and TLS from REDIS_URL', () => {
    const c = readRedisConfig({
      APIM_REDIS_SENTINELS: 's1:26379, [fd00::1]:26380,s3',
      APIM_REDIS_SENTINEL_MASTER: 'mymaster',
      APIM_REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
      REDIS_URL: 'rediss://app:p%40ss@ignored:1/3',
    });
    expect(c).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 'fd00::1', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      masterName: 'mymaster',
      sentinelPassword: 'sentinel-pw',
      data: { username: 'app', password: 'p@ss', db: 3, tls: true },
    });
    expect(describeRedis(c)).toBe('sentinels s1:26379,[fd00::1]:26380,s3:26379 (master mymaster)');
  });

  it('reads Cluster, the password from APIM_REDIS_PASSWORD over REDIS_URL', () => {
    const c = readRedisConfig({
      APIM_REDIS_CLUSTER_NODES: 'n1:7000,n2:7001',
      REDIS_URL: 'redis://:from-url@x',
      APIM_REDIS_PASSWORD: 'from-env',
    });
    expect(c).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
      data: { username: undefined, password: 'from-env', db: undefined, tls: false },
    });
    expect(describeRedis(c)).toBe('cluster nodes n1:7000,n2:7001');
  });

  it.each([
    [
      { APIM_REDIS_SENTINELS: 'a:1', APIM_REDIS_SENTINEL_MASTER: 'm', APIM_REDIS_CLUSTER_NODES: 'b:2' },
      'APIM_REDIS_CLUSTER_NODES cannot be set together with APIM_REDIS_SENTINELS: choose Sentinel or Cluster',
    ],
    [{ APIM_REDIS_SENTINELS: 'a:1' }, 'APIM_REDIS_SENTINEL_MASTER is required with APIM_REDIS_SENTINELS'],
    [
      { APIM_REDIS_SENTINEL_MASTER: 'm' },
      'APIM_REDIS_SENTINEL_MASTER is set but APIM_REDIS_SENTINELS is not',
    ],
    [
      { APIM_REDIS_SENTINEL_PASSWORD: 'p' },
      'APIM_REDIS_SENTINEL_PASSWORD is set but APIM_REDIS_SENTINELS is not',
    ],
    [
      { APIM_REDIS_SENTINELS: 'a:1,,b:2', APIM_REDIS_SENTINEL_MASTER: 'm' },
      'APIM_REDIS_SENTINELS must be a comma-separated list of host:port, got "a:1,,b:2"',
    ],
    [
      { APIM_REDIS_CLUSTER_NODES: 'a:1,b:port' },
      'APIM_REDIS_CLUSTER_NODES must be a comma-separated list of host:port, got "b:port"',
    ],
    [
      { APIM_REDIS_CLUSTER_NODES: 'a:70000' },
      'APIM_REDIS_CLUSTER_NODES must be a comma-separated list of host:port, got "a:70000"',
    ],
    [
      { APIM_REDIS_CLUSTER_NODES: 'redis://a:1' },
      'APIM_REDIS_CLUSTER_NODES must be a comma-separated list of host:port, got "redis://a:1"',
    ],
    [
      { APIM_REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://x/2' },
      'REDIS_URL must not select a database with APIM_REDIS_CLUSTER_NODES: a Redis Cluster has database 0 only',
    ],
    [
      { APIM_REDIS_PASSWORD: 'p' },
      'APIM_REDIS_PASSWORD is for Sentinel or Cluster; with one server put the password in REDIS_URL',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readRedisConfig(env)).toThrow(`Invalid configuration: ${message}`);
  });
});

describe('redisKeyPrefix', () => {
  it('makes the prefix a hash tag in cluster mode only, once', () => {
    const cluster = readRedisConfig({ APIM_REDIS_CLUSTER_NODES: 'a:1' });
    expect(redisKeyPrefix('apim', cluster)).toBe('{apim}');
    expect(redisKeyPrefix('{apim}:eu', cluster)).toBe('{apim}:eu');
    expect(redisKeyPrefix('apim', readRedisConfig({}))).toBe('apim');
    expect(
      commonConfig({ DATABASE_URL: 'postgres://db', APIM_REDIS_CLUSTER_NODES: 'a:1', APIM_REDIS_PREFIX: 'x' })
        .redisPrefix,
    ).toBe('{x}');
  });
});

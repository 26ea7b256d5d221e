/**
 * Configuration from environment variables, validated once at start-up. A bad value stops the
 * process with one line naming the variable and what is wrong (see ConfigError and runMain).
 */
import { readRedisConfig, redisKeyPrefix } from './redis.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function shown(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
}

/** Readers for one environment; each returns the parsed value or throws ConfigError. */
export function envReader(env: Env = process.env) {
  return {
    string(name: string, fallback?: string): string {
      const v = read(env, name) ?? fallback;
      if (v === undefined) throw new ConfigError(name, 'is required but not set');
      return v;
    },
    optionalString(name: string): string | undefined {
      return read(env, name);
    },
    int(
      name: string,
      fallback: number,
      min = Number.MIN_SAFE_INTEGER,
      max = Number.MAX_SAFE_INTEGER,
    ): number {
      const v = read(env, name);
      if (v === undefined) return fallback;
      if (!/^-?\d+$/.test(v)) throw new ConfigError(name, `must be a whole number, got ${shown(v)}`);
      const n = Number(v);
      if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
      return n;
    },
    port(name: string, fallback: number): number {
      const v = read(env, name);
      if (v === undefined) return fallback;
      if (!/^\d+$/.test(v) || Number(v) > 65535)
        throw new ConfigError(name, `must be a port number from 0 to 65535, got ${shown(v)}`);
      return Number(v);
    },
    bool(name: string, fallback: boolean): boolean {
      const v = read(env, name);
      if (v === undefined) return fallback;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      throw new ConfigError(name, `must be true or false, got ${shown(v)}`);
    },
    url(name: string, fallback: string | undefined, protocols: readonly string[]): string {
      const v = read(env, name) ?? fallback;
      if (v === undefined) throw new ConfigError(name, 'is required but not set');
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        throw new ConfigError(name, `must be a URL (${protocols.join(', ')}), got ${shown(redactUrl(v))}`);
      }
      if (!protocols.includes(u.protocol.replace(/:$/, '')))
        throw new ConfigError(
          name,
          `must use ${protocols.join(' or ')}, got ${u.protocol.replace(/:$/, '')}`,
        );
      return v;
    },
    oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
      const v = read(env, name);
      if (v === undefined) return fallback;
      if (!(values as readonly string[]).includes(v))
        throw new ConfigError(name, `must be one of ${values.join(', ')}, got ${shown(v)}`);
      return v as T;
    },
  };
}

/** A URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** The standard OTEL_* settings this product honours (README, "Tracing"). */
export function readTracingConfig(env: Env = process.env) {
  const r = envReader(env);
  const disabled = r.bool('OTEL_SDK_DISABLED', false);
  const signal = r.optionalString('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = r.optionalString('OTEL_EXPORTER_OTLP_ENDPOINT');
  // as the specification says: the per-signal endpoint is used as is, the base one gets /v1/traces
  const endpoint = signal
    ? r.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', undefined, ['http', 'https'])
    : base
      ? `${r.url('OTEL_EXPORTER_OTLP_ENDPOINT', undefined, ['http', 'https']).replace(/\/+$/, '')}/v1/traces`
      : null;
  const sampler = r.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on');
  const argText = r.optionalString('OTEL_TRACES_SAMPLER_ARG');
  const samplerArg = argText === undefined ? 1 : Number(argText);
  if (!(samplerArg >= 0 && samplerArg <= 1))
    throw new ConfigError(
      'OTEL_TRACES_SAMPLER_ARG',
      `must be a ratio from 0 to 1, got ${JSON.stringify(argText)}`,
    );
  return {
    /** where spans are exported; null: tracing is off */
    endpoint: disabled ? null : endpoint,
    /** OTEL_SERVICE_NAME; null: the app's own name (apim-gateway, apim-key-manager, apim-control-plane) */
    serviceName: r.optionalString('OTEL_SERVICE_NAME') ?? null,
    sampler,
    samplerArg,
    /** the batch span processor's (OTEL_BSP_*, the specification's defaults): spans beyond the queue are dropped */
    batch: {
      delayMs: r.int('OTEL_BSP_SCHEDULE_DELAY', 5000, 1),
      maxQueueSize: r.int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1),
      maxBatchSize: r.int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1),
    },
  };
}
export type TracingConfig = ReturnType<typeof readTracingConfig>;

/** Settings every app shares. */
export function commonConfig(env: Env = process.env) {
  const r = envReader(env);
  const redis = readRedisConfig(env);
  return {
    databaseUrl: r.url('DATABASE_URL', undefined, ['postgres', 'postgresql']),
    redisUrl: r.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis', 'rediss']),
    /** which Redis: REDIS_URL, Sentinel or Cluster (redis.ts); clients come from createRedisClient */
    redis,
    /**
     * prefix of every Redis key and BullMQ queue, so several installations (or test runs) share one
     * Redis; a hash tag in cluster mode (redisKeyPrefix)
     */
    redisPrefix: redisKeyPrefix(r.string('APIM_REDIS_PREFIX', 'apim'), redis),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    host: r.string('APIM_HOST', '127.0.0.1'),
    /** OpenTelemetry tracing (tracing.ts): off unless an OTLP endpoint is set */
    tracing: readTracingConfig(env),
  };
}
export type CommonConfig = ReturnType<typeof commonConfig>;

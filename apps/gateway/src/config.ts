import { availableParallelism, hostname } from 'node:os';
import {
  ConfigError,
  commonConfig,
  envReader,
  readOutboundUrlAllowlist,
  readTrustedProxies,
} from '@apim/service';
import { readDefaultCors } from './handlers/cors/defaults.js';

type Env = Record<string, string | undefined>;

/** A share from 0 to 1 (a decimal number). */
function sampleRate(env: Env, name: string, fallback: number): number {
  const v = env[name]?.trim();
  if (!v) return fallback;
  const n = /^(0|1|0?\.\d+|1\.0*)$/.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= 1))
    throw new ConfigError(name, `must be a number from 0 to 1, got ${JSON.stringify(v)}`);
  return n;
}

function accessLogDestination(v: string): string | null {
  return v.toLowerCase() === 'off' ? null : v.toLowerCase() === 'stdout' ? 'stdout' : v;
}

/** Every gateway setting, read once from the environment (README lists them). */
export function loadConfig(env: Env = process.env) {
  const r = envReader(env);
  const common = commonConfig(env);
  const tlsCert = r.optionalString('APIM_GATEWAY_TLS_CERT');
  const tlsKey = r.optionalString('APIM_GATEWAY_TLS_KEY');
  if ((tlsCert === undefined) !== (tlsKey === undefined))
    throw new ConfigError(
      tlsCert ? 'APIM_GATEWAY_TLS_KEY' : 'APIM_GATEWAY_TLS_CERT',
      'must be set together with the other of APIM_GATEWAY_TLS_CERT / APIM_GATEWAY_TLS_KEY',
    );
  const internalSecret = r.string('APIM_INTERNAL_SECRET');
  if (internalSecret.length < 32)
    throw new ConfigError('APIM_INTERNAL_SECRET', 'must be at least 32 characters');
  return {
    ...common,
    port: r.port('APIM_GATEWAY_PORT', 8280),
    httpsPort: r.port('APIM_GATEWAY_HTTPS_PORT', 8243),
    tls:
      tlsCert && tlsKey ? { cert: tlsCert, key: tlsKey, ca: r.optionalString('APIM_GATEWAY_TLS_CA') } : null,
    /** management port serving /metrics (cluster-wide when workers > 1); 0 picks a free port */
    metricsPort: r.port('APIM_GATEWAY_METRICS_PORT', 9280),
    workers: r.int('APIM_GATEWAY_WORKERS', availableParallelism(), 1, 256),
    environment: r.string('APIM_GATEWAY_ENVIRONMENT', 'Default'),
    /**
     * name of this node in analytics, logs and deployment reports; the default tells apart nodes of
     * several machines (containers all have small pids)
     */
    gatewayId: r.string('APIM_GATEWAY_ID', `gateway-${hostname()}-${process.pid}`),
    keyManagerUrl: r
      .url('APIM_KEY_MANAGER_URL', 'http://127.0.0.1:9444', ['http', 'https'])
      .replace(/\/+$/, ''),
    /** WebSub APIs' hub requests are forwarded to the control plane's hub, under /websub/{apiId} */
    controlPlaneUrl: r
      .url('APIM_CONTROL_PLANE_URL', 'http://127.0.0.1:9443', ['http', 'https'])
      .replace(/\/+$/, ''),
    tokenAudience: r.string('APIM_TOKEN_AUDIENCE', 'apim-gateway'),
    /** proxies whose forwarded header names the client (APIM_TRUST_PROXY, APIM_TRUST_PROXY_HEADER) */
    trustedProxies: readTrustedProxies(env),
    /** hosts a rule's JWKS and an external authorizer may be on (APIM_OUTBOUND_URL_ALLOWLIST; empty: any) */
    outboundUrlAllowlist: readOutboundUrlAllowlist(env),
    internalSecret,
    /** CORS of every API without its own (APIM_CORS_*; null: turned off) */
    cors: readDefaultCors(env),
    limits: {
      maxHeaderBytes: r.int('APIM_GATEWAY_MAX_HEADER_BYTES', 16 * 1024, 1024, 1024 * 1024),
      maxBodyBytes: r.int('APIM_GATEWAY_MAX_BODY_BYTES', 10 * 1024 * 1024, 0, 2 ** 40),
      headersTimeoutMs: r.int('APIM_GATEWAY_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      requestTimeoutMs: r.int('APIM_GATEWAY_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000),
      keepAliveTimeoutMs: r.int('APIM_GATEWAY_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 3_600_000),
    },
    backend: {
      /** default read timeout when an endpoint does not set endpointTimeoutMs */
      timeoutMs: r.int('APIM_GATEWAY_BACKEND_TIMEOUT_MS', 60_000, 10, 3_600_000),
      connectTimeoutMs: r.int('APIM_GATEWAY_BACKEND_CONNECT_TIMEOUT_MS', 10_000, 10, 600_000),
      connections: r.int('APIM_GATEWAY_BACKEND_CONNECTIONS', 128, 1, 10_000),
    },
    /** WebSocket APIs' connections and Server-Sent Events APIs' events */
    streams: {
      /** a WebSocket connection with no message or ping either way for this long is closed (1001) */
      idleTimeoutMs: r.int('APIM_GATEWAY_WS_IDLE_TIMEOUT_MS', 300_000, 100, 86_400_000),
      /** a larger WebSocket message closes its connection (1009); a larger event ends its stream */
      maxMessageBytes: r.int('APIM_GATEWAY_MAX_MESSAGE_BYTES', 1024 * 1024, 1, 1024 ** 3),
    },
    analytics: {
      enabled: r.bool('APIM_GATEWAY_ANALYTICS', true),
      /** share of successful requests kept as raw events (errors and throttled ones are all kept) */
      sampleRate: sampleRate(env, 'APIM_ANALYTICS_SAMPLE_RATE', 0.01),
      /** raw events that make a batch go out before the flush interval (about 5 µs each to serialise) */
      batchSize: r.int('APIM_GATEWAY_ANALYTICS_BATCH', 100, 1, 100_000),
      flushMs: r.int('APIM_GATEWAY_ANALYTICS_FLUSH_MS', 1000, 10, 600_000),
      /** raw events kept in memory while Redis is away (about 0.9 KB each in batches); new ones are dropped beyond it */
      bufferRecords: r.int('APIM_GATEWAY_ANALYTICS_BUFFER', 20_000, 0, 10_000_000),
      /** per-minute rollup rows kept while Redis is away (about 0.5 KB each); requests needing a new row are dropped beyond it */
      maxRows: r.int('APIM_GATEWAY_ANALYTICS_MAX_ROWS', 200_000, 1, 10_000_000),
    },
    /** one JSON line per request (reporters/access-log); null destination: off */
    accessLog: {
      /** APIM_ACCESS_LOG: off, stdout, or the path of a file to append to */
      destination: accessLogDestination(r.string('APIM_ACCESS_LOG', 'off')),
      /** share of successful requests logged; errors always are */
      sampleRate: sampleRate(env, 'APIM_ACCESS_LOG_SAMPLE_RATE', 1),
    },
    /** backend JWT (X-JWT-Assertion) signing key, PKCS#8 PEM file; unset: no backend JWT */
    backendJwt: (() => {
      const keyFile = r.optionalString('APIM_GATEWAY_BACKEND_JWT_KEY');
      if (!keyFile) return null;
      return {
        keyFile,
        algorithm: r.oneOf('APIM_GATEWAY_BACKEND_JWT_ALG', ['RS256', 'ES256', 'PS256'] as const, 'RS256'),
        issuer: r.string('APIM_GATEWAY_BACKEND_JWT_ISSUER', 'wso2.org/products/am'),
        header: r.string('APIM_GATEWAY_BACKEND_JWT_HEADER', 'X-JWT-Assertion').toLowerCase(),
        ttlSec: r.int('APIM_GATEWAY_BACKEND_JWT_TTL_SEC', 900, 10, 86_400),
      };
    })(),
    /** token verification results kept in memory (revocation is still checked on every request) */
    tokenCacheSize: r.int('APIM_GATEWAY_TOKEN_CACHE_SIZE', 100_000, 0, 10_000_000),
    introspectionCacheMs: r.int('APIM_GATEWAY_INTROSPECTION_CACHE_MS', 60_000, 0, 3_600_000),
    introspection: (() => {
      const rate = r.int('APIM_GATEWAY_INTROSPECTION_RATE', 100, 1, 1_000_000);
      return {
        /** calls per second and worker to introspection endpoints; beyond it opaque tokens wait (503) */
        rate,
        burst: r.int('APIM_GATEWAY_INTROSPECTION_BURST', 2 * rate, 1, 10_000_000),
        /** inactive answers kept apart from the active ones, so junk cannot push good tokens out */
        negativeCacheSize: r.int('APIM_GATEWAY_INTROSPECTION_NEGATIVE_CACHE_SIZE', 10_000, 0, 10_000_000),
      };
    })(),
    /**
     * longest access token lifetime accepted (exp - iat); the default is the longest validity the
     * key manager lets an application key have (10 years), so only absurd tokens are refused
     */
    maxTokenLifetimeSec: r.int(
      'APIM_GATEWAY_MAX_TOKEN_LIFETIME_SECONDS',
      10 * 365 * 86_400,
      60,
      100 * 365 * 86_400,
    ),
    /** longest a successful Basic credentials check is reused (a user's change drops it at once: USER_CHANGED) */
    basicAuthCacheMs: r.int('APIM_GATEWAY_BASIC_AUTH_CACHE_MS', 30_000, 0, 3_600_000),
    /** APIs with response caching on: memory per API and worker, and the largest answer kept */
    responseCache: {
      maxBytes: r.int('APIM_GATEWAY_RESPONSE_CACHE_BYTES', 16 * 1024 * 1024, 0, 4 * 1024 ** 3),
      maxEntryBytes: r.int('APIM_GATEWAY_RESPONSE_CACHE_ENTRY_BYTES', 1024 * 1024, 0, 1024 ** 3),
    },
    /** sender-constrained tokens: DPoP proofs (RFC 9449) */
    dpop: {
      /** how old a proof's iat may be, and how far ahead of this clock (the client's may run fast) */
      proofMaxAgeSec: r.int('APIM_GATEWAY_DPOP_PROOF_MAX_AGE_SEC', 60, 1, 600),
      clockSkewSec: r.int('APIM_GATEWAY_DPOP_CLOCK_SKEW_SEC', 5, 0, 60),
      /** proofs one worker remembers by itself while Redis is away (~150 bytes each) */
      replayMemory: r.int('APIM_GATEWAY_DPOP_REPLAY_MEMORY', 200_000, 1000, 10_000_000),
      publicOrigins: publicOrigins(r),
    },
  };
}

/**
 * The origins clients are told to call this gateway at (a proof's htu names one of them): that of
 * APIM_GATEWAY_URL (the cross-app setting; read only when set) and each of APIM_GATEWAY_PUBLIC_URLS
 * (comma-separated, scheme://host[:port] only), e.g. the URLs of a TLS-terminating proxy in front.
 */
function publicOrigins(r: ReturnType<typeof envReader>): string[] {
  const origins: string[] = [];
  if (r.optionalString('APIM_GATEWAY_URL') !== undefined)
    origins.push(new URL(r.url('APIM_GATEWAY_URL', undefined, ['http', 'https'])).origin);
  for (const item of (r.optionalString('APIM_GATEWAY_PUBLIC_URLS') ?? '').split(',')) {
    const v = item.trim();
    if (!v) continue;
    // each item read as a URL setting of its own, for the same message when it is not one
    const u = new URL(
      envReader({ APIM_GATEWAY_PUBLIC_URLS: v }).url('APIM_GATEWAY_PUBLIC_URLS', undefined, [
        'http',
        'https',
      ]),
    );
    if (u.pathname !== '/' || u.search || u.hash || u.username)
      throw new ConfigError(
        'APIM_GATEWAY_PUBLIC_URLS',
        `must list origins only (scheme://host[:port]), got ${JSON.stringify(v)}`,
      );
    origins.push(u.origin);
  }
  return origins;
}

export type GatewayConfig = ReturnType<typeof loadConfig>;

import { commonConfig, ConfigError, envReader, readHstsMaxAge, readTrustedProxies } from '@apim/service';

export const SIGNING_ALGS = ['RS256', 'ES256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

function keyEncryptionKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64url');
  if (key.length !== 32 || key.toString('base64url') !== value.replace(/=+$/, ''))
    throw new ConfigError('APIM_KEY_ENCRYPTION_KEY', 'must be 32 bytes encoded as base64url (43 characters)');
  return key;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Every setting of the key manager, read once from the environment (see the README's table). */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const r = envReader(env);
  const internalSecret = r.string('APIM_INTERNAL_SECRET');
  if (internalSecret.length < 32)
    throw new ConfigError('APIM_INTERNAL_SECRET', 'must be at least 32 characters');
  const bruteForceMaxFailures = r.int('APIM_BRUTE_FORCE_MAX_FAILURES', 10, 1, 10_000);
  return {
    ...commonConfig(env),
    port: r.port('APIM_KEY_MANAGER_PORT', 9444),
    /** the issuer, exactly; also the base URL of every endpoint */
    issuer: withoutTrailingSlash(r.url('APIM_KEY_MANAGER_URL', 'http://127.0.0.1:9444', ['http', 'https'])),
    keyEncryptionKey: keyEncryptionKey(r.string('APIM_KEY_ENCRYPTION_KEY')),
    internalSecret,
    tokenAudience: r.string('APIM_TOKEN_AUDIENCE', 'apim-gateway'),
    consoleUrl: withoutTrailingSlash(r.url('APIM_CONSOLE_URL', 'http://127.0.0.1:9443', ['http', 'https'])),
    signingAlg: r.oneOf('APIM_SIGNING_ALG', SIGNING_ALGS, 'RS256'),
    /** a new signing key is published this long before it starts signing */
    signingKeyLeadSeconds: r.int('APIM_SIGNING_KEY_LEAD_SECONDS', 60, 0, 86_400),
    /** the active signing key is rotated automatically when it is this old */
    signingKeyRotationDays: r.int('APIM_SIGNING_KEY_ROTATION_DAYS', 90, 1, 3650),
    /** how often each instance re-reads the signing keys (others may have rotated them) */
    signingKeyPollSeconds: r.int('APIM_SIGNING_KEY_POLL_SECONDS', 10, 1, 3600),
    refreshTokenTtl: r.int('APIM_REFRESH_TOKEN_TTL', 86_400, 60, 365 * 86_400),
    /** expired tokens, codes, sessions and revocations are removed this often */
    cleanupIntervalSeconds: r.int('APIM_CLEANUP_INTERVAL_SECONDS', 300, 1, 86_400),
    /**
     * failed client authentications allowed per window from one address for one client, and
     * failed logins per username (see helpers/brute-force-guard.ts for every counter)
     */
    bruteForceMaxFailures,
    /**
     * failures allowed per window from one address whatever it names, and for one client from
     * all addresses: much higher, since behind a NAT or a proxy one address is many users
     */
    bruteForceMaxFailuresPerAddress: r.int(
      'APIM_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS',
      bruteForceMaxFailures * 10,
      bruteForceMaxFailures,
      1_000_000,
    ),
    bruteForceWindowSeconds: r.int('APIM_BRUTE_FORCE_WINDOW_SECONDS', 300, 1, 86_400),
    /**
     * entries of each in-memory lookup (clients, applications, user roles, scopes), dropped on
     * change through Postgres LISTEN/NOTIFY; 0 turns caching off (e.g. behind a pooler that does
     * not pass notifications, such as PgBouncer in transaction mode)
     */
    lookupCacheEntries: r.int('APIM_KEY_MANAGER_CACHE_ENTRIES', 10_000, 0, 10_000_000),
    /** the proxies whose forwarded header tells the caller's address (APIM_TRUST_PROXY) */
    trustedProxies: readTrustedProxies(env),
    /** Strict-Transport-Security max-age on HTTPS responses, direct or through a trusted proxy (0: none) */
    hstsMaxAge: readHstsMaxAge(env),
  };
}

export type KeyManagerConfig = ReturnType<typeof loadConfig>;

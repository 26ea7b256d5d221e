import path from 'node:path';
import { repoRoot } from '@apim/db';
import { ConfigError, commonConfig, envReader, readOutboundUrlAllowlist } from '@apim/service';

type Env = Record<string, string | undefined>;

/** Every setting of the control plane, read once from the environment. */
export function loadConfig(env: Env = process.env) {
  const r = envReader(env);
  const internalSecret = r.string('APIM_INTERNAL_SECRET');
  if (internalSecret.length < 32)
    throw new ConfigError('APIM_INTERNAL_SECRET', 'must be at least 32 characters');
  const allowlist = (r.optionalString('APIM_IMPORT_URL_ALLOWLIST') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return {
    ...commonConfig(env),
    port: r.port('APIM_CONTROL_PLANE_PORT', 9443),
    keyManagerUrl: r
      .url('APIM_KEY_MANAGER_URL', 'http://127.0.0.1:9444', ['http', 'https'])
      .replace(/\/$/, ''),
    /** public URL of the gateway, told to the console (try-it, snippets) */
    gatewayUrl: r.url('APIM_GATEWAY_URL', 'http://127.0.0.1:8280', ['http', 'https']).replace(/\/$/, ''),
    internalSecret,
    tokenAudience: r.string('APIM_TOKEN_AUDIENCE', 'apim-gateway'),
    /** hosts an OpenAPI document (or a remote $ref) may be fetched from; empty: none */
    importUrlAllowlist: allowlist,
    /** hosts rules' JWKS and external authorizers may be on; empty: any but link-local and cloud metadata */
    outboundUrlAllowlist: readOutboundUrlAllowlist(env),
    consoleDir: r.string('APIM_CONSOLE_DIR', path.join(repoRoot, 'apps/console/build')),
    /**
     * consecutive wrong passwords (HTTP Basic) before an account is locked, and for how long; the
     * same settings and the same lock (User.lockedUntil) as the key manager's login
     */
    loginMaxFailures: r.int('APIM_BRUTE_FORCE_MAX_FAILURES', 10, 1, 10_000),
    loginLockSeconds: r.int('APIM_BRUTE_FORCE_WINDOW_SECONDS', 300, 1, 86_400),
    /** days raw analytics events are kept (0: for ever) */
    analyticsEventRetentionDays: r.int('APIM_ANALYTICS_EVENT_RETENTION_DAYS', 7, 0, 3650),
    /** days per-minute analytics rollups are kept (0: for ever); the summary looks back 30 days at most */
    analyticsRollupRetentionDays: r.int('APIM_ANALYTICS_ROLLUP_RETENTION_DAYS', 90, 0, 3650),
    /**
     * days gateway events are kept in the event log (0: for ever); a gateway away for longer
     * reloads its snapshot instead of catching up from the log
     */
    gatewayEventRetentionDays: r.int('APIM_GATEWAY_EVENT_RETENTION_DAYS', 7, 0, 3650),
    /** largest OpenAPI upload accepted, in bytes */
    maxImportBytes: r.int('APIM_IMPORT_MAX_BYTES', 10 * 1024 * 1024, 1024),
  };
}

export type ControlPlaneConfig = ReturnType<typeof loadConfig>;

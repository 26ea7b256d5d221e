import path from 'node:path';
import { DEFAULT_ENVIRONMENT, repoRoot } from '@apim/db';
import { DEFAULT_SERVICE_URL_TEMPLATE } from '@apim/manifests';
import {
  ConfigError,
  commonConfig,
  envReader,
  readHstsMaxAge,
  readOutboundUrlAllowlist,
  readTrustedProxies,
} from '@apim/service';

type Env = Record<string, string | undefined>;

/** The product's own services (the Helm chart's, release "apim" in namespace "apim"): no APIRule exposes them. */
const OWN_SERVICES = 'apim-control-plane.apim,apim-key-manager.apim,apim-gateway.apim';

const listOf = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** How APIRules become APIs here (APIM_APIRULE_*): the manifests package's options. */
function apiRuleConfig(r: ReturnType<typeof envReader>) {
  const gateways: Record<string, string> = {};
  for (const entry of listOf(r.optionalString('APIM_APIRULE_GATEWAYS'))) {
    const [gateway, environment] = entry.split('=').map((v) => v.trim());
    if (!gateway || !environment || !/^[^/\s]+\/[^/\s]+$/.test(gateway))
      throw new ConfigError('APIM_APIRULE_GATEWAYS', `'${entry}' is not namespace/name=Environment`);
    gateways[gateway] = environment;
  }
  const template = r.string('APIM_APIRULE_SERVICE_URL', DEFAULT_SERVICE_URL_TEMPLATE);
  if (!/^https?:\/\//.test(template))
    throw new ConfigError(
      'APIM_APIRULE_SERVICE_URL',
      'must be an http(s) URL template ({name}, {namespace}, {port})',
    );
  return {
    /** completes short host names; null: short names are refused */
    domain: r.optionalString('APIM_APIRULE_DOMAIN')?.toLowerCase() ?? null,
    /** hosts must be in one of these domains (empty: any) */
    allowedDomains: listOf(r.optionalString('APIM_APIRULE_ALLOWED_DOMAINS')).map((d) => d.toLowerCase()),
    /** services (name.namespace) no APIRule may expose */
    blockedServices: listOf(r.string('APIM_APIRULE_BLOCKED_SERVICES', OWN_SERVICES)),
    serviceUrlTemplate: template,
    /** environments by Kyma gateway (namespace/name); kyma-system/kyma-gateway or none: the default one */
    gateways,
    defaultEnvironment: DEFAULT_ENVIRONMENT,
  };
}

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
    /** OTLP/HTTP base URL analytics are also exported to (metrics and the raw events as logs); unset: none */
    analyticsOtlpEndpoint: env.APIM_ANALYTICS_OTLP_ENDPOINT?.trim()
      ? r.url('APIM_ANALYTICS_OTLP_ENDPOINT', undefined, ['http', 'https'])
      : null,
    /**
     * days gateway events are kept in the event log (0: for ever); a gateway away for longer
     * reloads its snapshot instead of catching up from the log
     */
    gatewayEventRetentionDays: r.int('APIM_GATEWAY_EVENT_RETENTION_DAYS', 7, 0, 3650),
    /** days audit log entries are kept (0: for ever) */
    auditRetentionDays: r.int('APIM_AUDIT_RETENTION_DAYS', 365, 0, 36_500),
    /** proxies whose forwarded headers tell the caller's address and scheme (APIM_TRUST_PROXY) */
    trustedProxies: readTrustedProxies(env),
    /** Strict-Transport-Security max-age on HTTPS responses (0: none) */
    hstsMaxAge: readHstsMaxAge(env),
    /** largest OpenAPI upload accepted, in bytes */
    maxImportBytes: r.int('APIM_IMPORT_MAX_BYTES', 10 * 1024 * 1024, 1024),
    apiRules: apiRuleConfig(r),
  };
}

export type ControlPlaneConfig = ReturnType<typeof loadConfig>;

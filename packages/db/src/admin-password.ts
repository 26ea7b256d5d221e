import { ConfigError, envReader } from '@apim/service';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The first admin's password: APIM_ADMIN_PASSWORD, or `admin` for a development start that listens
 * on loopback only. Anything reachable from outside must set a password.
 */
export function adminPasswordFromEnv(env: Record<string, string | undefined> = process.env): {
  password: string;
  isDefault: boolean;
} {
  const r = envReader(env);
  const given = r.optionalString('APIM_ADMIN_PASSWORD');
  if (given) {
    if (given.length < 8) throw new ConfigError('APIM_ADMIN_PASSWORD', 'must be at least 8 characters long');
    return { password: given, isDefault: false };
  }
  const host = r.string('APIM_HOST', '127.0.0.1');
  if (!LOOPBACK.has(host))
    throw new ConfigError('APIM_ADMIN_PASSWORD', `must be set when listening on ${host} (not loopback)`);
  return { password: 'admin', isDefault: true };
}

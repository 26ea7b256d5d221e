import type { CorsConfig } from '@apim/contracts';
import { DeploymentError } from '../../pipeline/deployment-error.js';

/**
 * An origin is scheme://host[:port]: anything longer is no browser's, and is refused before a
 * publisher's regular expression (backtracking, unlike Istio's RE2) spends time on it.
 */
const MAX_ORIGIN_LENGTH = 300;

type Matcher = NonNullable<CorsConfig['accessControlAllowOriginMatchers']>[number];

/** Istio's StringMatch: exact, prefix, or a regular expression matching the whole origin. */
function compileMatcher(m: Matcher): (origin: string) => boolean {
  if (m.exact !== undefined) return (o) => o === m.exact;
  if (m.prefix !== undefined) return (o) => o.startsWith(m.prefix!);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.regex})$`);
  } catch (e) {
    throw new DeploymentError(`cors: origin regex ${m.regex} is invalid: ${(e as Error).message}`);
  }
  return (o) => re.test(o);
}

/**
 * The Access-Control-Allow-Origin to answer an origin with, or null when it is not allowed: the
 * origin itself when listed or matched, '*' for any origin (the origin itself with credentials,
 * which browsers require). Compiled once at deploy.
 */
export function originPolicy(config: CorsConfig): (origin: string | undefined) => string | null {
  const anyOrigin = config.accessControlAllowOrigins.includes('*');
  const listed = new Set(config.accessControlAllowOrigins);
  const matchers = (config.accessControlAllowOriginMatchers ?? []).map(compileMatcher);
  return (origin) => {
    if (!origin) return null;
    if (listed.has(origin)) return origin;
    if (origin.length <= MAX_ORIGIN_LENGTH && matchers.some((matches) => matches(origin))) return origin;
    if (anyOrigin) return config.accessControlAllowCredentials ? origin : '*';
    return null;
  };
}

/**
 * Kyma's checks of a JWT configuration (api-gateway internal/validation/v2alpha1/jwt.go), for a
 * rule's `jwt` and an `extAuth`'s `restrictions`.
 */
import type { PointedMessage } from '../messages.js';
import type { KymaJwtConfig } from './apirule.js';

export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** What Go's url.ParseRequestURI accepts, roughly: an absolute URL or an absolute path. */
const isRequestUri = (value: string) => {
  if (value.startsWith('/')) return true;
  try {
    return Boolean(new URL(value).protocol);
  } catch {
    return false;
  }
};

export function jwtProblems(at: string, jwt: KymaJwtConfig): PointedMessage[] {
  const out: PointedMessage[] = [];
  const authentications = jwt.authentications ?? [];
  if (!authentications.length)
    out.push({
      pointer: `${at}/authentications`,
      message: 'a JWT configuration needs at least one authentication (issuer and jwksUri)',
    });
  let fromHeaders = false;
  let fromParams = false;
  authentications.forEach((a, i) => {
    const here = `${at}/authentications/${i}`;
    if (!a.issuer || (a.issuer.includes(':') && !isRequestUri(a.issuer)))
      out.push({
        pointer: `${here}/issuer`,
        message: 'issuer must be the issuer of the tokens, a URL (e.g. https://auth.example.com)',
      });
    if (!/^https?:\/\/[^/]/.test(a.jwksUri) || !isRequestUri(a.jwksUri))
      out.push({
        pointer: `${here}/jwksUri`,
        message: "jwksUri must be an http:// or https:// URL of the issuer's key set",
      });
    if (a.fromHeaders?.length) {
      if (fromParams)
        out.push({
          pointer: `${here}/fromHeaders`,
          message: 'fromHeaders and fromParams cannot be mixed across authentications',
        });
      if (a.fromHeaders.length > 1)
        out.push({ pointer: `${here}/fromHeaders`, message: 'only one fromHeaders entry is supported' });
      fromHeaders = true;
      a.fromHeaders.forEach((h, j) => {
        if (!HEADER_NAME.test(h.name))
          out.push({
            pointer: `${here}/fromHeaders/${j}/name`,
            message: `${h.name} is not a valid header name`,
          });
      });
    }
    if (a.fromParams?.length) {
      if (fromHeaders)
        out.push({
          pointer: `${here}/fromParams`,
          message: 'fromHeaders and fromParams cannot be mixed across authentications',
        });
      if (a.fromParams.length > 1)
        out.push({ pointer: `${here}/fromParams`, message: 'only one fromParams entry is supported' });
      fromParams = true;
    }
  });
  if (jwt.authorizations && !jwt.authorizations.length)
    out.push({
      pointer: `${at}/authorizations`,
      message: 'authorizations is given but empty: remove it, or list at least one',
    });
  jwt.authorizations?.forEach((z, i) => {
    for (const key of ['requiredScopes', 'audiences'] as const) {
      const values = z[key];
      if (values && (!values.length || values.some((v) => !v)))
        out.push({
          pointer: `${at}/authorizations/${i}/${key}`,
          message: `${key} must list non-empty values, or be left out`,
        });
    }
  });
  return out;
}

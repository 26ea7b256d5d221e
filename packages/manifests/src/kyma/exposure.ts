/**
 * Where an APIRule is exposed, by the control plane's settings: its hosts completed and checked
 * against the allowed domains, its services' URLs and whether they are blocked, and the
 * environment its Kyma gateway stands for.
 */
import type { ManifestOptions } from '../types.js';

/** Kyma's host forms (internal/helpers/hosts.go): an FQDN (or `*.` wildcard) and a short name. */
const FQDN = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]{2,63}$/;
const SHORT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const DEFAULT_KYMA_GATEWAY = 'kyma-system/kyma-gateway';

export type Resolved = { ok: true; value: string } | { ok: false; message: string };

/** A host as served: a short name completed with the domain, then held to the allowed domains. */
export function resolveHost(host: string, options: ManifestOptions): Resolved {
  let full = host;
  if (SHORT_NAME.test(host)) {
    if (!options.domain)
      return {
        ok: false,
        message: `${host} is a short host name, and no default domain is set (APIM_APIRULE_DOMAIN): write the full host name`,
      };
    full = `${host}.${options.domain}`;
  } else if (!FQDN.test(host) || host.length > 255)
    return {
      ok: false,
      message: `${host} must be a fully qualified domain name (e.g. httpbin.example.com) or a short host name (e.g. httpbin)`,
    };
  if (full.startsWith('*.'))
    return {
      ok: false,
      message: `${host} is a wildcard host, which the gateway does not serve: name the host`,
    };
  // Kyma's allowlist check: the domain once, at the end (not my.kyma.local.kyma.local, not kyma.local.com)
  const allowed =
    !options.allowedDomains.length ||
    options.allowedDomains.some((d) => (full === d || full.endsWith(`.${d}`)) && full.split(d).length === 2);
  if (!allowed)
    return {
      ok: false,
      message: `${full} is not in an allowed domain (${options.allowedDomains.join(', ')})`,
    };
  return { ok: true, value: full };
}

export interface KymaService {
  name: string;
  namespace?: string;
  port: number;
}

/** The backend URL of a Kyma service, through the URL template. */
export function serviceUrl(service: KymaService, namespace: string, options: ManifestOptions): string {
  return options.serviceUrlTemplate
    .replaceAll('{name}', service.name)
    .replaceAll('{namespace}', namespace)
    .replaceAll('{port}', String(service.port));
}

export const isBlocked = (service: KymaService, namespace: string, options: ManifestOptions) =>
  options.blockedServices.includes(`${service.name}.${namespace}`);

/** The environment serving an APIRule's Kyma gateway (absent: the default gateway). */
export function environmentOf(gateway: string | undefined, options: ManifestOptions): Resolved {
  const named = gateway ? options.gateways[gateway] : undefined;
  if (named) return { ok: true, value: named };
  if (!gateway || gateway === DEFAULT_KYMA_GATEWAY) return { ok: true, value: options.defaultEnvironment };
  const known = [DEFAULT_KYMA_GATEWAY, ...Object.keys(options.gateways)].join(', ');
  return {
    ok: false,
    message: `no environment serves the Kyma gateway ${gateway} (known gateways: ${known}; see APIM_APIRULE_GATEWAYS)`,
  };
}

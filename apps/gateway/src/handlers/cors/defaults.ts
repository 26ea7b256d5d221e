import type { CorsConfig } from '@apim/contracts';
import { ConfigError, envReader } from '@apim/service';

type Env = Record<string, string | undefined>;

/** WSO2's `[apim.cors]` defaults, the internal key header and API keys' `apikey` included. */
const DEFAULT_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];
const DEFAULT_HEADERS = [
  'authorization',
  'Access-Control-Allow-Origin',
  'Content-Type',
  'SOAPAction',
  'apikey',
  'Internal-Key',
];
const METHODS = new Set([...DEFAULT_METHODS, 'HEAD']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function list(env: Env, name: string): string[] | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  return v
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function origin(name: string, value: string): string {
  if (value === '*') return value;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(
      name,
      `must list origins (scheme://host[:port]) or *, got ${JSON.stringify(value)}`,
    );
  }
  if (!['http:', 'https:'].includes(u.protocol) || u.pathname !== '/' || u.search || u.hash || u.username)
    throw new ConfigError(
      name,
      `must list origins (scheme://host[:port]) or *, got ${JSON.stringify(value)}`,
    );
  return u.origin;
}

function tokens(name: string, values: string[], valid: (v: string) => boolean, what: string): string[] {
  const bad = values.find((v) => !valid(v));
  if (bad !== undefined) throw new ConfigError(name, `must list ${what}, got ${JSON.stringify(bad)}`);
  return values;
}

/**
 * The environment's CORS configuration (WSO2's `[apim.cors]`), which every API without a CORS
 * configuration of its own is served with, so that a browser page (the devportal's try-it) can call
 * an API as soon as it is published. The console's origin is the one allowed by default: the
 * console is what calls the gateway from a browser out of the box. `null` when turned off
 * (APIM_CORS_ENABLED=false).
 */
export function readDefaultCors(env: Env): CorsConfig | null {
  const r = envReader(env);
  if (!r.bool('APIM_CORS_ENABLED', true)) return null;
  // the console is served by the control plane unless it has a URL of its own
  const consoleUrl =
    r.optionalString('APIM_CONSOLE_URL') !== undefined
      ? r.url('APIM_CONSOLE_URL', undefined, ['http', 'https'])
      : r.url('APIM_CONTROL_PLANE_URL', 'http://127.0.0.1:9443', ['http', 'https']);
  const origins = list(env, 'APIM_CORS_ALLOW_ORIGINS')?.map((o) => origin('APIM_CORS_ALLOW_ORIGINS', o)) ?? [
    new URL(consoleUrl).origin,
  ];
  const methods = list(env, 'APIM_CORS_ALLOW_METHODS')?.map((m) => m.toUpperCase());
  const headers = list(env, 'APIM_CORS_ALLOW_HEADERS');
  const expose = list(env, 'APIM_CORS_EXPOSE_HEADERS');
  return {
    corsConfigurationEnabled: true,
    accessControlAllowOrigins: origins,
    accessControlAllowMethods: methods
      ? tokens(
          'APIM_CORS_ALLOW_METHODS',
          methods,
          (m) => METHODS.has(m),
          `methods of ${[...METHODS].join(', ')}`,
        )
      : DEFAULT_METHODS,
    accessControlAllowHeaders: headers
      ? tokens('APIM_CORS_ALLOW_HEADERS', headers, (h) => TOKEN.test(h), 'header names')
      : DEFAULT_HEADERS,
    accessControlExposeHeaders: expose
      ? tokens('APIM_CORS_EXPOSE_HEADERS', expose, (h) => TOKEN.test(h), 'header names')
      : [],
    accessControlAllowCredentials: r.bool('APIM_CORS_ALLOW_CREDENTIALS', false),
    accessControlMaxAge: r.int('APIM_CORS_MAX_AGE', 600, 0, 86_400),
  };
}

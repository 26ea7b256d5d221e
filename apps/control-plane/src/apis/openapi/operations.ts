/**
 * Between an OpenAPI document and our API model: the operations a document declares, a document
 * for an API that has none, and the export of an API as OpenAPI with our settings as WSO2's `x-`
 * extensions.
 */
import YAML from 'yaml';
import type { HttpVerb, OperationRule, OperationVerb } from '@apim/contracts';

type Obj = Record<string, unknown>;

export interface OperationDraft {
  verb: OperationVerb;
  target: string;
  authEnabled: boolean;
  scopes: string[];
  throttlingPolicy: string | null;
  /** Kyma-style policy of its own (declarative exposure); absent: the API's */
  rule?: OperationRule | null;
}

const VERBS: readonly HttpVerb[] = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows an internal `$ref` (the only kind left after bundling). */
function deref(doc: Obj, value: unknown, depth = 0): unknown {
  if (!isObj(value) || typeof value.$ref !== 'string' || depth > 20) return value;
  const ref = value.$ref;
  if (!ref.startsWith('#/')) return value;
  let cur: unknown = doc;
  for (const part of ref.slice(2).split('/')) {
    const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
    cur = isObj(cur) || Array.isArray(cur) ? (cur as Obj)[key] : undefined;
  }
  return deref(doc, cur, depth + 1);
}

function scopesOf(security: unknown): string[] {
  if (!Array.isArray(security)) return [];
  const out = new Set<string>();
  for (const req of security)
    if (isObj(req))
      for (const s of Object.values(req)) if (Array.isArray(s)) for (const x of s) out.add(String(x));
  return [...out];
}

/**
 * The operations of a document. A resource is open (no authentication) when it says
 * `x-auth-type: None` (WSO2) or `security: []` (OpenAPI).
 */
export function operationsOf(doc: Obj): OperationDraft[] {
  const paths = isObj(doc.paths) ? doc.paths : {};
  const out: OperationDraft[] = [];
  for (const [target, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem);
    if (!isObj(item)) continue;
    for (const verb of VERBS) {
      const op = item[verb.toLowerCase()];
      if (!isObj(op)) continue;
      const security = op.security ?? doc.security;
      const authType = op['x-auth-type'];
      const tier = op['x-throttling-tier'];
      out.push({
        verb,
        target,
        authEnabled: !(authType === 'None' || (Array.isArray(op.security) && op.security.length === 0)),
        scopes: Array.isArray(op['x-scopes']) ? op['x-scopes'].map(String) : scopesOf(security),
        throttlingPolicy: typeof tier === 'string' && tier !== '' ? tier : null,
      });
    }
  }
  return out;
}

/** A scope as a document declares it: name, description and the roles that may obtain it. */
export interface ScopeDraft {
  name: string;
  description: string;
  roles: string[];
}

/** WSO2's x-scopes-bindings value: role names, comma-separated (WSO2's export) or as a list. */
function rolesOf(binding: unknown): string[] {
  const list = typeof binding === 'string' ? binding.split(',') : Array.isArray(binding) ? binding : [];
  return list
    .filter((r): r is string => typeof r === 'string')
    .map((r) => r.trim())
    .filter(Boolean);
}

/**
 * The scopes of a document: those its OAuth2 security schemes declare (every flow, with the role
 * bindings of WSO2's `x-scopes-bindings`), then those its operations require without declaring
 * them (non-OAuth2 schemes may name scopes too: OpenAPI 3.1).
 */
export function scopesOfDocument(doc: Obj, operations: readonly OperationDraft[]): ScopeDraft[] {
  const components = isObj(doc.components) ? doc.components : {};
  const schemes = isObj(components.securitySchemes)
    ? components.securitySchemes
    : isObj(doc.securityDefinitions)
      ? doc.securityDefinitions
      : {};
  const out = new Map<string, ScopeDraft>();
  for (const raw of Object.values(schemes)) {
    const scheme = deref(doc, raw);
    if (!isObj(scheme) || scheme.type !== 'oauth2') continue;
    // 3.x: per flow; 2.0: on the scheme itself
    const flows = isObj(scheme.flows) ? Object.values(scheme.flows) : [scheme];
    for (const flow of flows) {
      if (!isObj(flow) || !isObj(flow.scopes)) continue;
      const bindings = isObj(flow['x-scopes-bindings']) ? flow['x-scopes-bindings'] : {};
      for (const [name, description] of Object.entries(flow.scopes)) {
        const seen = out.get(name);
        out.set(name, {
          name,
          description: seen?.description || (typeof description === 'string' ? description : ''),
          roles: [...new Set([...(seen?.roles ?? []), ...rolesOf(bindings[name])])],
        });
      }
    }
  }
  for (const op of operations)
    for (const name of op.scopes) if (!out.has(name)) out.set(name, { name, description: '', roles: [] });
  return [...out.values()];
}

/**
 * Declares the API's scopes as WSO2 does in its exports: an OAuth2 scheme named `default` whose
 * flow lists them, with their roles in `x-scopes-bindings` (read back by scopesOfDocument).
 */
function declareScopes(doc: Obj, scopes: readonly ScopeDraft[], tokenUrl: string): void {
  const flow = {
    tokenUrl,
    scopes: Object.fromEntries(scopes.map((s) => [s.name, s.description])),
    'x-scopes-bindings': Object.fromEntries(scopes.map((s) => [s.name, s.roles.join(',')])),
  };
  if (doc.swagger === '2.0') {
    if (!isObj(doc.securityDefinitions)) doc.securityDefinitions = {};
    (doc.securityDefinitions as Obj).default = { type: 'oauth2', flow: 'application', ...flow };
    return;
  }
  if (!isObj(doc.components)) doc.components = {};
  const components = doc.components as Obj;
  if (!isObj(components.securitySchemes)) components.securitySchemes = {};
  (components.securitySchemes as Obj).default = { type: 'oauth2', flows: { clientCredentials: flow } };
}

/** The base path a document declares (2.0 basePath, or the path of its first server), if any. */
export function basePathOf(doc: Obj): string | undefined {
  if (typeof doc.basePath === 'string') return doc.basePath;
  const first = Array.isArray(doc.servers) ? doc.servers[0] : undefined;
  if (isObj(first) && typeof first.url === 'string') {
    try {
      return new URL(first.url, 'http://x').pathname;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface ExportableApi {
  name: string;
  version: string;
  description: string | null;
  context: string;
  endpointConfig: unknown;
  corsConfig: unknown;
  securitySchemes: string[];
  apiThrottlingPolicy: string | null;
  subscriptionPolicies: string[];
  responseCachingEnabled: boolean;
  cacheTimeout: number;
  /** ["all"] or names of key managers */
  keyManagers: string[];
  definition: unknown;
  /** a rule's policy is not OpenAPI's: the export leaves it out */
  operations: Array<Omit<OperationDraft, 'rule'>>;
}

/** Path parameters of a URI template, in the document's own version's form. */
function pathParams(target: string, swagger2: boolean): Obj[] {
  return [...target.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    ...(swagger2 ? { type: 'string' } : { schema: { type: 'string' } }),
  }));
}

/**
 * The API as an OpenAPI document: its stored definition (or one built from its operations) with
 * the operations' settings and the API's settings as WSO2's `x-` extensions, so that importing the
 * export recreates the same API.
 */
export function exportOpenApi(
  api: ExportableApi,
  /** the API's scopes, declared with the key manager's token URL */
  declared?: { scopes: readonly ScopeDraft[]; tokenUrl: string },
): Obj {
  const base: Obj = isObj(api.definition)
    ? structuredClone(api.definition)
    : { openapi: '3.0.3', info: { title: api.name, version: api.version }, paths: {} };
  if (!isObj(base.paths)) base.paths = {};
  const paths = base.paths as Obj;
  for (const op of api.operations) {
    const existing = deref(base, paths[op.target]);
    const item: Obj = isObj(existing) ? existing : {};
    // write back a resolved copy so that extensions never land on a shared component
    if (isObj(paths[op.target]) && (paths[op.target] as Obj).$ref) paths[op.target] = { ...item };
    const target = (paths[op.target] ??= item) as Obj;
    const method = op.verb.toLowerCase();
    const current = isObj(target[method]) ? (target[method] as Obj) : undefined;
    target[method] = {
      ...(current ?? {
        parameters: pathParams(op.target, base.swagger === '2.0'),
        responses: { default: { description: 'Default response' } },
      }),
      'x-auth-type': op.authEnabled ? 'Application & Application User' : 'None',
      'x-throttling-tier': op.throttlingPolicy ?? 'Unlimited',
      ...(op.scopes.length ? { 'x-scopes': op.scopes } : {}),
    };
  }
  base['x-wso2-basePath'] = api.context + '/' + api.version;
  base['x-wso2-production-endpoints'] = (api.endpointConfig as Obj | null)?.production_endpoints ?? null;
  base['x-wso2-sandbox-endpoints'] = (api.endpointConfig as Obj | null)?.sandbox_endpoints ?? null;
  base['x-wso2-endpoint-config'] = api.endpointConfig;
  base['x-wso2-cors'] = api.corsConfig ?? null;
  base['x-wso2-auth-header'] = 'Authorization';
  base['x-wso2-security-schemes'] = api.securitySchemes;
  base['x-wso2-subscription-policies'] = api.subscriptionPolicies;
  base['x-wso2-response-cache'] = {
    enabled: api.responseCachingEnabled,
    cacheTimeoutInSeconds: api.cacheTimeout,
  };
  // WSO2 carries keyManagers in api.yaml only; ours, like x-wso2-security-schemes, for the round trip
  base['x-wso2-keymanagers'] = api.keyManagers;
  base['x-throttling-tier'] = api.apiThrottlingPolicy;
  if (isObj(base.info) && api.description && !base.info.description) base.info.description = api.description;
  if (declared?.scopes.length) declareScopes(base, declared.scopes, declared.tokenUrl);
  return base;
}

/** A document as a response in the format asked for (JSON by default). */
export function documentResponse(doc: Obj, format: 'json' | 'yaml') {
  return format === 'yaml'
    ? { status: 200, body: YAML.stringify(doc), contentType: 'application/yaml' }
    : { status: 200, body: doc };
}

/**
 * An API's OpenAPI document as the devportal's reference and try-it (Swagger UI) show it: calls
 * go to the gateway URL of the environment, JSON is the first body type where an operation also
 * takes XML, each operation says the OAuth scopes it requires, and the security schemes are the
 * gateway's credentials (an application's access token or API key), which the page fills in.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const VERBS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The names of the gateway's credentials in the document shown (the page authorises them). */
export const TOKEN_SCHEME = 'ApplicationToken';
export const API_KEY_SCHEME = 'ApplicationApiKey';

/** What the API resource says of its operations' scopes (the stored operations, not the document). */
interface ApiOperations {
  operations?: readonly { target: string; verb: string; scopes?: readonly string[] }[];
}

const operationKey = (verb: string, path: string) => `${verb.toUpperCase()} ${path}`;

/** The scopes each operation requires, by "VERB /path". */
export function scopesByOperation(api: ApiOperations): Map<string, string[]> {
  return new Map(
    (api.operations ?? [])
      .filter((o) => o.scopes?.length)
      .map((o) => [operationKey(o.verb, o.target), [...(o.scopes ?? [])]]),
  );
}

/** Every scope some operation of the API requires, sorted: what a token for trying it needs. */
export function requiredScopes(api: ApiOperations): string[] {
  return [...new Set((api.operations ?? []).flatMap((o) => o.scopes ?? []))].sort();
}

/** JSON media types first (then the rest as the document orders them). */
function jsonFirst(types: readonly string[]): string[] {
  const json = (t: string) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(t);
  return [...types.filter(json), ...types.filter((t) => !json(t))];
}

/** A `content` map with its JSON media types first: Swagger UI preselects the first one. */
function reorderContent(holder: unknown): void {
  if (!isObj(holder) || !isObj(holder.content)) return;
  const content = holder.content;
  holder.content = Object.fromEntries(jsonFirst(Object.keys(content)).map((t) => [t, content[t]]));
}

export interface PresentOptions {
  /** the gateway URL calls go to (the API's context and version included) */
  serverUrl: string;
  /** the header the gateway reads an access token from */
  authorizationHeader: string;
  /** the header of API keys, when the API takes them */
  apiKeyHeader?: string;
  /** "VERB /path" -> scopes it requires */
  scopes: Map<string, string[]>;
}

const scopeLine = (scopes: readonly string[]) =>
  `**Required scopes:** ${scopes.map((s) => `\`${s}\``).join(', ')}`;

/** The gateway's credentials as security schemes of the shown document (OpenAPI 3 or Swagger 2.0). */
function gatewaySchemes(options: PresentOptions, swagger2: boolean): Obj {
  const bearer = options.authorizationHeader.toLowerCase() === 'authorization';
  const token = swagger2
    ? { type: 'apiKey', in: 'header', name: options.authorizationHeader }
    : bearer
      ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
      : { type: 'apiKey', in: 'header', name: options.authorizationHeader };
  return {
    [TOKEN_SCHEME]: {
      ...token,
      description:
        "An access token of an application subscribed to the API, sent in the API's authorization header.",
    },
    ...(options.apiKeyHeader
      ? {
          [API_KEY_SCHEME]: {
            type: 'apiKey',
            in: 'header',
            name: options.apiKeyHeader,
            description: 'An API key of an application subscribed to the API.',
          },
        }
      : {}),
  };
}

/**
 * The value the token scheme of a shown document is authorised with: a bearer scheme adds
 * "Bearer " itself; an apiKey scheme (Swagger 2.0, or a custom authorization header) sends it as is.
 */
export function tokenValue(shown: Obj, token: string): string {
  const schemes =
    shown.swagger === '2.0'
      ? shown.securityDefinitions
      : (shown.components as Obj | undefined)?.securitySchemes;
  const scheme = isObj(schemes) ? schemes[TOKEN_SCHEME] : undefined;
  return isObj(scheme) && scheme.type === 'http' ? token : `Bearer ${token}`;
}

/** The document as the reference shows it (a copy; the one given is left as it is). */
export function presentDefinition(source: Obj, options: PresentOptions): Obj {
  const doc = structuredClone(source);
  const swagger2 = doc.swagger === '2.0';
  if (swagger2) {
    const url = new URL(options.serverUrl);
    doc.host = url.host;
    doc.basePath = url.pathname;
    doc.schemes = [url.protocol.replace(':', '')];
    if (Array.isArray(doc.consumes)) doc.consumes = jsonFirst(doc.consumes.map(String));
  } else doc.servers = [{ url: options.serverUrl, description: 'Gateway' }];

  const schemes = gatewaySchemes(options, swagger2);
  const requirement = Object.keys(schemes).map((name) => ({ [name]: [] }));
  if (swagger2) doc.securityDefinitions = schemes;
  else {
    const components = isObj(doc.components) ? doc.components : (doc.components = {});
    (components as Obj).securitySchemes = schemes;
    if (isObj((components as Obj).requestBodies))
      Object.values((components as Obj).requestBodies as Obj).forEach(reorderContent);
  }
  delete doc.security;

  for (const [path, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!isObj(item)) continue;
    for (const verb of VERBS) {
      const op = item[verb];
      if (!isObj(op)) continue;
      const open = op['x-auth-type'] === 'None' || (Array.isArray(op.security) && op.security.length === 0);
      op.security = open ? [] : requirement;
      const scopes = options.scopes.get(operationKey(verb, path)) ?? [];
      if (scopes.length)
        op.description = [scopeLine(scopes), typeof op.description === 'string' ? op.description : '']
          .filter(Boolean)
          .join('\n\n');
      if (swagger2 && Array.isArray(op.consumes)) op.consumes = jsonFirst(op.consumes.map(String));
      reorderContent(op.requestBody);
    }
  }
  return doc;
}

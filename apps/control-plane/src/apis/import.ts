/** Turns an import request (upload, inline text or URL) into a validated document and API input. */
import { badRequest } from '../http/errors.js';
import { nulAt } from '../http/nul.js';
import type { Publisher } from '@apim/rest-contract';
import { parseOpenApi, OpenApiError, type OpenApiSource, type ParsedOpenApi } from './openapi/parse.js';
import {
  basePathOf,
  operationsOf,
  scopesOfDocument,
  type OperationDraft,
  type ScopeDraft,
} from './openapi/operations.js';

export interface ImportFields {
  url?: string;
  inlineAPIDefinition?: string;
  /** name of the main file when several files are uploaded */
  mainFile?: string;
  additionalProperties?: string;
}

export const importFieldsSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', format: 'uri' },
    inlineAPIDefinition: { type: 'string', minLength: 1 },
    mainFile: { type: 'string', minLength: 1 },
    additionalProperties: {
      type: 'string',
      description: 'the API resource (JSON) to create with the definition',
    },
  },
} as const;

export const IMPORT_FILE_FIELDS = ['file', 'files'];

/** The form of a PUT that replaces an API's definition: the import's fields, or WSO2's apiDefinition text. */
export type ReplacementFields = ImportFields & { apiDefinition?: string };

export const replacementMultipart = {
  fields: {
    ...importFieldsSchema,
    properties: { ...importFieldsSchema.properties, apiDefinition: { type: 'string', minLength: 1 } },
  },
  fileFields: IMPORT_FILE_FIELDS,
};

/** The replacement's fields as the import reads them: apiDefinition is the inline definition. */
export function replacementSource(body: ReplacementFields, files: Express.Multer.File[]): OpenApiSource {
  return sourceOf({ ...body, inlineAPIDefinition: body.apiDefinition ?? body.inlineAPIDefinition }, files);
}

export function sourceOf(fields: ImportFields, files: Express.Multer.File[]): OpenApiSource {
  const given = [files.length > 0, !!fields.url, !!fields.inlineAPIDefinition].filter(Boolean).length;
  if (given !== 1)
    throw badRequest('Give exactly one of: an uploaded file (file), a url, or an inlineAPIDefinition');
  if (fields.url) return { kind: 'url', url: fields.url };
  if (fields.inlineAPIDefinition) return { kind: 'inline', text: fields.inlineAPIDefinition };
  const names = new Map(files.map((f) => [f.originalname, f.buffer.toString('utf8')]));
  if (names.size !== files.length) throw badRequest('Two uploaded files have the same name');
  const main = fields.mainFile ?? (files.length === 1 ? files[0]?.originalname : undefined);
  if (!main) throw badRequest("Several files were uploaded: name the main one in 'mainFile'");
  return { kind: 'files', main, files: names };
}

export async function parseImport(
  source: OpenApiSource,
  allowHosts: readonly string[],
): Promise<ParsedOpenApi> {
  try {
    const parsed = await parseOpenApi(source, { allowHosts });
    const nul = nulAt(parsed.document, '');
    if (nul !== undefined) throw badRequest(`The OpenAPI document holds a NUL character at '${nul}'`);
    return parsed;
  } catch (e) {
    if (e instanceof OpenApiError) throw badRequest(e.message);
    throw e;
  }
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/**
 * The API to create: the caller's additionalProperties, with name, version and context taken from
 * the document when not given (info.title, info.version, base path).
 */
/**
 * The settings an exported document carries as x-wso2 extensions (see exportOpenApi), so that
 * importing an export recreates the same API.
 */
function settingsFromExtensions(doc: Record<string, unknown>): Partial<Publisher.API> {
  const out: Partial<Publisher.API> = {};
  const obj = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  // As the document says them: the API schema validates the result before it is used.
  const endpointConfig = obj(doc['x-wso2-endpoint-config']) as Publisher.EndpointConfig | undefined;
  if (endpointConfig) out.endpointConfig = endpointConfig;
  if (obj(doc['x-wso2-cors'])) out.corsConfiguration = obj(doc['x-wso2-cors']);
  const schemes = strings(doc['x-wso2-security-schemes']) as Publisher.API['securityScheme'];
  if (schemes) out.securityScheme = schemes;
  if (strings(doc['x-wso2-subscription-policies']))
    out.policies = strings(doc['x-wso2-subscription-policies']);
  if (typeof doc['x-throttling-tier'] === 'string') out.apiThrottlingPolicy = doc['x-throttling-tier'];
  const cache = obj(doc['x-wso2-response-cache']);
  if (typeof cache?.enabled === 'boolean') out.responseCachingEnabled = cache.enabled;
  if (Number.isInteger(cache?.cacheTimeoutInSeconds))
    out.cacheTimeout = cache!.cacheTimeoutInSeconds as number;
  if (strings(doc['x-wso2-keymanagers'])) out.keyManagers = strings(doc['x-wso2-keymanagers']);
  const basePath = doc['x-wso2-basePath'];
  const version = (obj(doc.info)?.version as string | undefined) ?? '';
  if (typeof basePath === 'string' && version && basePath.endsWith(`/${version}`))
    out.context = basePath.slice(0, -version.length - 1);
  return out;
}

export function importedApiInput(
  parsed: Pick<ParsedOpenApi, 'document'>,
  given: Partial<Publisher.API>,
): Publisher.API {
  const additional = { ...settingsFromExtensions(parsed.document), ...given };
  const info = (parsed.document.info ?? {}) as { title?: unknown; version?: unknown };
  const title = typeof info.title === 'string' ? info.title : 'Imported API';
  const name =
    additional.name ??
    (title
      .replace(/[~!@#;:%^*()+={}|\\<>"',&$[\]/]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 60) ||
      'Imported API');
  const version =
    additional.version ??
    (String(info.version ?? '1.0.0')
      .replace(/[~!@#;:%^*()+={}|\\<>"',&/$[\]\s]/g, '-')
      .slice(0, 30) ||
      '1.0.0');
  const base = basePathOf(parsed.document)?.replace(/\/+$/, '');
  const context =
    additional.context ??
    (base && /^\/[A-Za-z0-9_.~-]+(\/[A-Za-z0-9_.~-]+)*$/.test(base)
      ? base
      : `/${slug(String(name)) || 'api'}`);
  return {
    ...additional,
    name,
    version,
    context,
    endpointConfig: additional.endpointConfig ?? endpointsOf(parsed.document),
  };
}

/** The backend a document names (an absolute server URL, or 2.0 host + basePath), as endpointConfig. */
function endpointsOf(doc: Record<string, unknown>): Publisher.EndpointConfig | undefined {
  let url: string | undefined;
  const servers = doc.servers as Array<{ url?: unknown }> | undefined;
  const first = Array.isArray(servers) ? servers[0]?.url : undefined;
  if (typeof first === 'string' && /^https?:\/\//.test(first) && !first.includes('{')) url = first;
  if (!url && typeof doc.host === 'string') {
    const schemes = Array.isArray(doc.schemes) ? (doc.schemes as string[]) : [];
    url = `${schemes.includes('https') ? 'https' : 'http'}://${doc.host}${typeof doc.basePath === 'string' ? doc.basePath : ''}`;
  }
  if (!url) return undefined;
  try {
    new URL(url);
  } catch {
    return undefined;
  }
  return { endpoint_type: 'http', production_endpoints: { url }, sandbox_endpoints: { url } };
}

export function additionalPropertiesOf(text: string | undefined): Partial<Publisher.API> {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Partial<Publisher.API>;
  } catch {
    throw badRequest("'additionalProperties' must be a JSON object");
  }
}

/** What a document brings to its API: operations, and the scopes it declares or they require. */
export function contentsOf(parsed: ParsedOpenApi): { operations: OperationDraft[]; scopes: ScopeDraft[] } {
  const operations = operationsOf(parsed.document);
  return { operations, scopes: scopesOfDocument(parsed.document, operations) };
}

/**
 * Reads and validates an OpenAPI 2.0 / 3.0 / 3.1 document with swagger-parser. Documents come from
 * an upload (one or several files, `$ref`s between them resolved among the uploaded files), inline
 * text, or a URL. Nothing is ever read from the server's disk, and nothing is fetched from the
 * network unless its host is allow-listed.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { request } from 'undici';
import YAML from 'yaml';
import { hideDataRefs, restoreDataRefs, type ExamplesStyle } from './data-refs.js';

/** Uploaded files live under this (never fetched) base URL, so relative `$ref`s resolve among them. */
const UPLOAD_BASE = 'https://upload.apim.invalid/';
const MAX_REMOTE_BYTES = 10 * 1024 * 1024;

export class OpenApiError extends Error {
  override name = 'OpenApiError';
}

export type OpenApiSource =
  | { kind: 'files'; main: string; files: ReadonlyMap<string, string> }
  | { kind: 'inline'; text: string }
  | { kind: 'url'; url: string };

export interface ParseOptions {
  /** hosts (lower case) that may be fetched: the URL itself and remote `$ref`s */
  allowHosts: readonly string[];
}

export interface ParsedOpenApi {
  /** every external `$ref` inlined; internal (and circular) `$ref`s kept */
  document: Record<string, unknown>;
  specVersion: '2.0' | '3.0' | '3.1';
}

function normalize(name: string): string {
  return name
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
}

export async function fetchAllowed(url: string, allowHosts: readonly string[]): Promise<string> {
  const u = new URL(url);
  if (!['http:', 'https:'].includes(u.protocol))
    throw new OpenApiError(
      `Reading ${url} is not allowed: only http(s) URLs of allow-listed hosts are fetched`,
    );
  if (!allowHosts.includes(u.hostname.toLowerCase()))
    throw new OpenApiError(
      `Fetching ${u.origin} is not allowed: its host is not in APIM_IMPORT_URL_ALLOWLIST`,
    );
  const res = await request(url, { method: 'GET', headersTimeout: 10_000, bodyTimeout: 10_000 });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new OpenApiError(`Fetching ${url} answered HTTP ${res.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_REMOTE_BYTES) {
      res.body.destroy();
      throw new OpenApiError(`${url} is larger than ${MAX_REMOTE_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function specVersionOf(doc: Record<string, unknown>): ParsedOpenApi['specVersion'] {
  if (doc.swagger === '2.0') return '2.0';
  const v = typeof doc.openapi === 'string' ? doc.openapi : '';
  if (v.startsWith('3.0')) return '3.0';
  if (v.startsWith('3.1')) return '3.1';
  throw new OpenApiError(
    'The document is not OpenAPI 2.0, 3.0 or 3.1: it needs a "swagger": "2.0" or "openapi": "3.x.y" field',
  );
}

/** Parses and validates; throws OpenApiError with the validator's message when the document is invalid. */
export async function parseOpenApi(source: OpenApiSource, options: ParseOptions): Promise<ParsedOpenApi> {
  const uploads = new Map<string, string>();
  let mainUrl: string;
  if (source.kind === 'files') {
    for (const [name, text] of source.files) uploads.set(new URL(normalize(name), UPLOAD_BASE).href, text);
    mainUrl = new URL(normalize(source.main), UPLOAD_BASE).href;
    if (!uploads.has(mainUrl))
      throw new OpenApiError(`The main file '${source.main}' is not among the uploaded files`);
  } else if (source.kind === 'inline') {
    // named as a YAML file (JSON is YAML too): the parser picks its YAML reader by the extension,
    // which reports a syntax error with its line and column as for an upload
    mainUrl = new URL('definition.yaml', UPLOAD_BASE).href;
    uploads.set(mainUrl, source.text);
  } else {
    mainUrl = source.url;
  }

  // Every file is given to the parser parsed, its data `$ref`s hidden (data-refs.ts). The main file
  // is read first: its version tells how the other files' `examples` read.
  let style: ExamplesStyle | undefined;
  const withDataRefsHidden = (text: string): unknown => {
    let doc: unknown;
    try {
      doc = parseDocumentText(text);
    } catch {
      return text; // the parser reads it again and says what is wrong with it, in its own words
    }
    if (typeof doc !== 'object' || doc === null) return text;
    const own = 'swagger' in doc ? '2.0' : 'openapi' in doc ? '3' : undefined;
    style ??= own;
    hideDataRefs(doc, own ?? style ?? '3');
    return doc;
  };

  // The parser replaces a resolver's error with "Error reading file": keep ours, it says why.
  let readFailure: string | undefined;
  const reading = async <T>(read: () => T | Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (e) {
      readFailure ??= (e as Error).message;
      throw e;
    }
  };
  const parserOptions = {
    resolve: {
      file: false,
      http: false,
      uploads: {
        order: 1,
        canRead: (file: { url: string }) => file.url.startsWith(UPLOAD_BASE),
        read: (file: { url: string }) => {
          const text = uploads.get(file.url.split('#')[0] ?? '');
          if (text === undefined)
            throw new OpenApiError(
              `The referenced file '${file.url.slice(UPLOAD_BASE.length)}' was not uploaded`,
            );
          return withDataRefsHidden(text);
        },
      },
      remote: {
        order: 2,
        canRead: (file: { url: string }) => !file.url.startsWith(UPLOAD_BASE),
        read: (file: { url: string }) =>
          reading(async () => withDataRefsHidden(await fetchAllowed(file.url, options.allowHosts))),
      },
    },
  };

  let bundled: Record<string, unknown>;
  try {
    bundled = (await SwaggerParser.bundle(mainUrl, parserOptions as never)) as unknown as Record<
      string,
      unknown
    >;
  } catch (e) {
    throw new OpenApiError(readFailure ?? messageOf(e));
  }
  if (!bundled || typeof bundled !== 'object' || Array.isArray(bundled))
    throw new OpenApiError('The document is not a JSON or YAML object');
  const specVersion = specVersionOf(bundled);
  try {
    // validate() dereferences in place: give it a copy and keep the bundled form (which can be
    // stored as JSON even when references are circular).
    await SwaggerParser.validate(
      structuredClone(bundled) as never,
      {
        resolve: { external: false, file: false, http: false },
        dereference: { circular: true },
      } as never,
    );
  } catch (e) {
    throw new OpenApiError(messageOf(e));
  }
  restoreDataRefs(bundled);
  return { document: bundled, specVersion };
}

function messageOf(e: unknown): string {
  if (e instanceof OpenApiError) return e.message;
  const err = e as { message?: string; details?: Array<{ message?: string; instancePath?: string }> };
  let msg = (err.message ?? String(e)).replaceAll(UPLOAD_BASE, '').trim();
  // swagger-parser's message for a document without paths names only the file.
  if (/is not a valid Openapi API definition$/.test(msg)) msg = `${msg}: it has no "paths" (nor "webhooks")`;
  msg = `The OpenAPI document is invalid: ${msg}`;
  return msg.length > 4000 ? `${msg.slice(0, 4000)}...` : msg;
}

/** A document's text (JSON or YAML) as an object. JSON first: YAML's parser is many times slower on it. */
export function parseDocumentText(text: string): unknown {
  if (/^\s*[{[]/.test(text))
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // YAML's flow style starts the same way: read it as YAML
    }
  return YAML.parse(text, { maxAliasCount: 1000 });
}

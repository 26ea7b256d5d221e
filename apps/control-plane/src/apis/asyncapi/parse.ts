/**
 * Reads an AsyncAPI 2.x or 3.x document (upload, inline text or allow-listed URL) with
 * @asyncapi/parser, the specification's maintained parser, and turns its error diagnostics into
 * problems a person can act on (where in the document, and what is wrong).
 */
import { Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { fetchAllowed, OpenApiError, parseDocumentText, type OpenApiSource } from '../openapi/parse.js';
import { nulAt } from '../../http/nul.js';

/** One thing wrong with a document: a JSON pointer-like path ('' for the root) and a message. */
export interface AsyncApiProblem {
  path: string;
  message: string;
}

export class AsyncApiError extends Error {
  constructor(readonly problems: AsyncApiProblem[]) {
    super(
      `The AsyncAPI document is invalid: ${problems
        .slice(0, 20)
        .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
        .join('; ')}`,
    );
  }
}

export interface ParsedAsyncApi {
  /** the document as written (kept as the API's definition) */
  document: Record<string, unknown>;
  /** the parser's model of it (channels, operations, servers in one shape for 2.x and 3.x) */
  model: AsyncAPIDocumentInterface;
}

// Spectral's severity: 0 is an error; warnings and hints (style advice) do not refuse a document.
const ERROR = 0;
const parser = new Parser();

/** The `$ref`s that leave the document: the hub reads one self-contained document and fetches nothing. */
function externalRef(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = externalRef(v, `${path}/${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) return `${path}/$ref (${v})`;
      const found = externalRef(v, `${path}/${k}`);
      if (found) return found;
    }
  }
  return undefined;
}

async function textOf(source: OpenApiSource, allowHosts: readonly string[]): Promise<string> {
  if (source.kind === 'inline') return source.text;
  if (source.kind === 'url') return fetchAllowed(source.url, allowHosts);
  if (source.files.size > 1)
    throw new AsyncApiError([
      { path: '', message: 'Upload one AsyncAPI document: several files were given' },
    ]);
  return source.files.get(source.main) ?? '';
}

export async function parseAsyncApi(
  source: OpenApiSource,
  allowHosts: readonly string[],
): Promise<ParsedAsyncApi> {
  let text: string;
  let document: unknown;
  try {
    text = await textOf(source, allowHosts);
    document = parseDocumentText(text);
  } catch (e) {
    if (e instanceof OpenApiError || e instanceof AsyncApiError) throw e;
    throw new AsyncApiError([{ path: '', message: `not JSON or YAML: ${(e as Error).message}` }]);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document))
    throw new AsyncApiError([{ path: '', message: 'the document is not an object' }]);
  if (!/^[23]\./.test(String((document as { asyncapi?: unknown }).asyncapi ?? '')))
    throw new AsyncApiError([
      { path: '/asyncapi', message: 'the document is not AsyncAPI 2.x or 3.x (its "asyncapi" field)' },
    ]);
  const nul = nulAt(document, '');
  if (nul !== undefined) throw new AsyncApiError([{ path: nul, message: 'holds a NUL character' }]);
  const external = externalRef(document, '');
  if (external)
    throw new AsyncApiError([
      { path: external, message: 'refers outside the document; give one self-contained document' },
    ]);

  const { document: model, diagnostics } = await parser.parse(text);
  const errors = diagnostics
    .filter((d) => d.severity === ERROR)
    .map((d) => ({ path: d.path.length ? `/${d.path.join('/')}` : '', message: d.message }));
  if (!model || errors.length)
    throw new AsyncApiError(errors.length ? errors : [{ path: '', message: 'unreadable' }]);
  return { document: document as Record<string, unknown>, model };
}

/** What an OpenAPI document will create, read in the browser for the import preview. */
import YAML from 'yaml';
import { HTTP_VERBS } from '@apim/rest-contract';

export interface Preview {
  operations: { verb: string; target: string; summary?: string }[];
  context?: string;
  endpoint?: string;
}

/** The operations, base path and server of a document, read in the browser for the preview. */
export function previewOf(text: string): Preview {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { maxAliasCount: 1000 });
  } catch {
    return { operations: [] };
  }
  const d = (doc ?? {}) as {
    paths?: Record<string, Record<string, { summary?: string }>>;
    servers?: { url?: string }[];
    basePath?: string;
  };
  const operations = Object.entries(d.paths ?? {}).flatMap(([target, item]) =>
    HTTP_VERBS.filter((v) => item && typeof item === 'object' && v.toLowerCase() in item).map((verb) => ({
      verb,
      target,
      summary: item[verb.toLowerCase()]?.summary,
    })),
  );
  const server = d.servers?.[0]?.url;
  let context = d.basePath;
  let endpoint: string | undefined;
  if (server && /^https?:\/\//.test(server) && !server.includes('{')) endpoint = server;
  if (!context && server && !server.includes('{')) {
    try {
      context = new URL(server, 'http://relative.invalid').pathname;
    } catch {
      context = undefined;
    }
  }
  return {
    operations,
    context: context && context !== '/' ? context.replace(/\/+$/, '') : undefined,
    endpoint,
  };
}

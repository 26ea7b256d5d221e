/** Manifest text (YAML or JSON, one or many `---`-separated documents) read into documents. */
import { parseAllDocuments, type YAMLError } from 'yaml';
import type { ManifestDocument, ManifestProblem, ParsedManifests } from './types.js';

/** A parser error in one line: where it is and what it is, without the excerpt yaml appends. */
function describe(error: YAMLError): string {
  const [head = error.message] = error.message.split('\n');
  const what = head.replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos?.[0];
  return at ? `line ${at.line}, column ${at.col}: ${what}` : what;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The documents of one file's text. Empty documents (a trailing `---`) are skipped but keep their
 * index, so a document's index is always its position in the file. A document with a syntax
 * error is a problem; the others are read.
 */
export function parseManifestText(text: string, file: string | null): ParsedManifests {
  const documents: ManifestDocument[] = [];
  const problems: ManifestProblem[] = [];
  parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true }).forEach((doc, index) => {
    const problem = (message: string) => problems.push({ file, document: index, pointer: '', message });
    const [error] = doc.errors;
    if (error) {
      problem(describe(error)); // the errors after the first one follow from it
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problem((error as Error).message);
      return;
    }
    if (value === null || value === undefined) return;
    if (!isMapping(value)) {
      problem('a manifest must be a mapping with apiVersion, kind, metadata and spec');
      return;
    }
    documents.push({ ...(file === null ? {} : { source: { file, index } }), manifest: value });
  });
  return { documents, problems };
}

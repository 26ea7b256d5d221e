/**
 * Manifests read from files and directories (Node only): *.yaml, *.yml and *.json, a directory's
 * files in name order (not its subdirectories, as kubectl apply -f without -R); an API's
 * definitionFile read, relative to its manifest, into `definition`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { parseManifestText } from './parse.js';
import type { ManifestDocument, ManifestProblem, ParsedManifests } from './types.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

async function filesOf(given: string, problems: ManifestProblem[]): Promise<string[]> {
  const problem = (message: string) => problems.push({ file: given, document: 0, pointer: '', message });
  try {
    if (!(await stat(given)).isDirectory()) return [given];
    const names = (await readdir(given)).filter((n) => MANIFEST_FILE.test(n)).sort();
    if (!names.length) problem(`${given} holds no .yaml, .yml or .json file`);
    return names.map((n) => path.join(given, n));
  } catch (error) {
    problem(
      `cannot read ${given}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`,
    );
    return [];
  }
}

/** An API document with its definitionFile read into definition, or the problem reading it. */
async function withDefinition(doc: ManifestDocument, problems: ManifestProblem[]): Promise<ManifestDocument> {
  const spec = doc.manifest.spec as Record<string, unknown> | undefined;
  if (doc.manifest.kind !== 'API' || typeof spec?.definitionFile !== 'string' || !doc.source) return doc;
  const { definitionFile, ...rest } = spec;
  const file = path.resolve(path.dirname(doc.source.file), definitionFile);
  const problem = (message: string) => {
    problems.push({
      file: doc.source?.file ?? null,
      document: doc.source?.index ?? 0,
      pointer: '/spec/definitionFile',
      message,
    });
    return doc;
  };
  if (rest.definition !== undefined) return problem('give either definition or definitionFile, not both');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return problem(`cannot read the definition ${file}: ${(error as Error).message}`);
  }
  let definition: unknown;
  try {
    definition = parse(text);
  } catch (error) {
    return problem(`the definition ${file} is not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition))
    return problem(`the definition ${file} is not an OpenAPI document (an object)`);
  return { ...doc, manifest: { ...doc.manifest, spec: { ...rest, definition } } };
}

/** The documents of the given files and directories, in order, and what could not be read. */
export async function readManifestFiles(paths: string[]): Promise<ParsedManifests> {
  const documents: ManifestDocument[] = [];
  const problems: ManifestProblem[] = [];
  for (const given of paths) {
    for (const file of await filesOf(given, problems)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        problems.push({
          file,
          document: 0,
          pointer: '',
          message: `cannot read ${file}: ${(error as Error).message}`,
        });
        continue;
      }
      const parsed = parseManifestText(text, file);
      problems.push(...parsed.problems);
      for (const doc of parsed.documents) documents.push(await withDefinition(doc, problems));
    }
  }
  return { documents, problems };
}

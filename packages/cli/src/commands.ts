/** The commands: each reads what it needs, calls the control plane, prints, and answers its exit code. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { readManifestFiles } from '@apim/manifests/files';
import type { Admin } from '@apim/rest-contract';
import type { Invocation } from './args.js';
import type { ManifestsClient } from './client.js';
import { EXIT, ManifestsError } from './errors.js';
import { formatted, resultTable, statusTable } from './output.js';

const print = (text: string) => process.stdout.write(text);

/** The request of apply, diff and delete: the documents read locally, or nothing sent when they cannot be. */
async function manifestRequest(run: Invocation): Promise<Admin.ManifestRequest> {
  const { documents, problems } = await readManifestFiles(run.files);
  if (problems.length) throw new ManifestsError(problems);
  if (!documents.length)
    throw new ManifestsError([
      { file: run.files.join(', '), document: 0, pointer: '', message: 'no manifest found' },
    ]);
  return {
    documents,
    ...(run.label && { label: run.label }),
    ...(run.prune && { prune: true }),
    ...(run.dryRun && { dryRun: true }),
    ...(run.wait !== undefined && { waitSeconds: run.wait }),
  };
}

function printResult(run: Invocation, result: Admin.ManifestResult, withChanges: boolean) {
  print(run.format === 'table' ? resultTable(result, withChanges) : formatted(result, run.format));
}

const inError = (objects: Array<{ state?: string }>) => objects.some((o) => o.state === 'Error');

export async function apply(run: Invocation, client: ManifestsClient): Promise<number> {
  const result = await client.apply(await manifestRequest(run));
  printResult(run, result, run.dryRun);
  return inError(result.objects) ? EXIT.changedOrError : EXIT.ok;
}

export async function diff(run: Invocation, client: ManifestsClient): Promise<number> {
  const result = await client.diff(await manifestRequest(run));
  printResult(run, result, true);
  return result.changed ? EXIT.changedOrError : EXIT.ok;
}

export async function remove(run: Invocation, client: ManifestsClient): Promise<number> {
  printResult(run, await client.delete(await manifestRequest(run)), false);
  return EXIT.ok;
}

export async function get(run: Invocation, client: ManifestsClient): Promise<number> {
  const list = await client.list({ kind: run.kind, name: run.name, label: run.label });
  print(run.format === 'table' ? statusTable(list) : formatted(list, run.format));
  return EXIT.ok;
}

/** The objects' state, after waiting (--wait) until none is Processing; 1 when one is in Error or still Processing. */
export async function status(run: Invocation, client: ManifestsClient): Promise<number> {
  const query = { kind: run.kind, name: run.name, label: run.label };
  const deadline = Date.now() + (run.wait ?? 0) * 1000;
  let list = await client.list(query);
  while (list.list.some((o) => o.state === 'Processing') && Date.now() < deadline) {
    await sleep(1000);
    list = await client.list(query);
  }
  print(run.format === 'table' ? statusTable(list) : formatted(list, run.format));
  const settled = !list.list.some((o) => o.state === 'Processing');
  return inError(list.list) || (run.wait !== undefined && !settled) ? EXIT.changedOrError : EXIT.ok;
}

/** A file name for an exported object: `<kind>-<name>.yaml`, its characters kept to safe ones. */
function fileNameOf(document: Record<string, unknown>): string {
  const metadata = (document.metadata ?? {}) as { name?: string; namespace?: string };
  const spec = (document.spec ?? {}) as { version?: string };
  const name = [metadata.namespace, metadata.name, spec.version].filter(Boolean).join('-');
  return `${String(document.kind ?? 'object')}-${name}`.replace(/[^A-Za-z0-9._-]+/g, '_') + '.yaml';
}

export async function exportObjects(run: Invocation, client: ManifestsClient): Promise<number> {
  const { documents } = await client.export({ kind: run.kind, name: run.name });
  if (run.dir) {
    await mkdir(run.dir, { recursive: true });
    for (const document of documents) {
      const file = path.join(run.dir, fileNameOf(document));
      await writeFile(file, stringify(document));
      print(`${file}\n`);
    }
  } else if (run.format === 'json') print(formatted(documents, 'json'));
  else print(documents.map((d) => stringify(d)).join('---\n'));
  return EXIT.ok;
}

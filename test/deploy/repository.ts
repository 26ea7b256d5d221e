/** What the deployment files are checked against: the repository's files, scripts and settings. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');
export const inRoot = (...parts: string[]) => path.join(root, ...parts);
export const exists = (relative: string) => existsSync(inRoot(relative));
export const read = (relative: string) => readFileSync(inRoot(relative), 'utf8');

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs)$/.test(f) && !/\.test\.ts$/.test(f) && !f.includes('generated'))
    .map((f) => path.join(dir, f));
}

/**
 * Every environment variable the apps read: their config.ts, the shared packages' readers
 * (@apim/service, @apim/db's commands) and the image's entry point, as `r.string('NAME'`-style
 * reads and `env.NAME` / `process.env.NAME` accesses.
 */
export function environmentVariablesRead(): Set<string> {
  const files = [
    ...readdirSync(inRoot('apps')).map((app) => inRoot('apps', app, 'src', 'config.ts')),
    ...sourceFiles(inRoot('packages', 'service', 'src')),
    ...sourceFiles(inRoot('packages', 'db', 'src')),
    inRoot('deploy', 'image', 'entrypoint.mjs'),
  ].filter((f) => existsSync(f));
  const names = new Set<string>();
  const patterns = [
    /\.(?:string|optionalString|int|port|bool|url|oneOf)\(\s*'([A-Z][A-Z0-9_]*)'/g,
    /\benv\.([A-Z][A-Z0-9_]*)/g,
    // the entry point's generated secrets, a table of names
    /^\s+([A-Z][A-Z0-9_]+): \{ file:/gm,
  ];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) names.add(m[1]!);
  }
  return names;
}

/** A workspace package's scripts, by package name (e.g. @apim/console). */
export function workspaceScripts(name: string): Record<string, string> {
  for (const group of ['apps', 'packages'])
    for (const dir of readdirSync(inRoot(group))) {
      const file = inRoot(group, dir, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        scripts?: Record<string, string>;
      };
      if (manifest.name === name) return manifest.scripts ?? {};
    }
  throw new Error(`no workspace package ${name}`);
}

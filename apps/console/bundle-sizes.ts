/**
 * A build step that prints what each route costs to download, gzipped: the first page (the entry,
 * the first route's lazy chunk, everything they import, their CSS) and, for every lazy route, what
 * opening it adds. The build fails when the first page is over its budget, so a heavy library
 * pulled into the start page is caught by the build (and the browser tests that build the console).
 */
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { Plugin } from 'vite';

interface Options {
  /** the lazily loaded module a visitor lands on first, relative to src/ (e.g. devportal/routes.tsx) */
  firstRoute: string;
  /** the first page's budget in KB, gzipped */
  limitKb: number;
}

interface ChunkInfo {
  fileName: string;
  type: 'chunk';
  isEntry: boolean;
  isDynamicEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
  code: string;
  viteMetadata?: { importedCss: Set<string> };
}

interface AssetInfo {
  fileName: string;
  type: 'asset';
  source: string | Uint8Array;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function bundleSizes(options: Options): Plugin {
  let root = '';
  return {
    name: 'apim-bundle-sizes',
    apply: 'build',
    configResolved(config) {
      root = path.join(config.root, 'src');
    },
    generateBundle(_output, bundle) {
      const files = bundle as unknown as Record<string, ChunkInfo | AssetInfo>;
      const gz = new Map<string, number>();
      const size = (file: string): number => {
        let n = gz.get(file);
        if (n === undefined) {
          const item = files[file];
          const body = !item ? '' : item.type === 'chunk' ? item.code : item.source;
          n = gzipSync(body).length;
          gz.set(file, n);
        }
        return n;
      };
      /** the chunk, what it imports statically (loaded with it), and their CSS */
      const closure = (file: string, into = new Set<string>()): Set<string> => {
        const item = files[file];
        if (into.has(file) || item?.type !== 'chunk') return into;
        into.add(file);
        for (const css of item.viteMetadata?.importedCss ?? []) into.add(css);
        for (const imported of item.imports) closure(imported, into);
        return into;
      };
      const total = (set: Set<string>) => [...set].reduce((sum, f) => sum + size(f), 0);
      const chunks = Object.values(files).filter((f): f is ChunkInfo => f.type === 'chunk');
      const routeOf = (c: ChunkInfo) =>
        c.facadeModuleId ? path.relative(root, c.facadeModuleId).split(path.sep).join('/') : c.fileName;

      const entry = chunks.find((c) => c.isEntry);
      const first = chunks.find((c) => c.isDynamicEntry && routeOf(c) === options.firstRoute);
      if (!entry || !first)
        this.error(`bundle sizes: no entry chunk, or no lazy chunk for ${options.firstRoute}`);
      const start = closure(entry.fileName);
      const firstPage = closure(first.fileName, new Set(start));
      const lines = [
        `first page (entry + ${options.firstRoute}): ${kb(total(firstPage))} gzipped (budget ${options.limitKb} KB)`,
        ...chunks
          // the console's own lazy modules (libraries split their own, e.g. the editors' languages)
          .filter((c) => c.isDynamicEntry && !routeOf(c).startsWith('..'))
          .map((c) => {
            const added = new Set([...closure(c.fileName)].filter((f) => !start.has(f)));
            return { route: routeOf(c), bytes: total(added) };
          })
          .sort((a, b) => b.bytes - a.bytes)
          .map(({ route, bytes }) => `  ${route}: +${kb(bytes)} gzipped when opened`),
      ];
      this.info(`gzipped size per route\n${lines.join('\n')}`);
      if (total(firstPage) > options.limitKb * 1024)
        this.error(
          `the first page is ${kb(total(firstPage))} gzipped, over its ${options.limitKb} KB budget: lazy-load what it does not need at once`,
        );
    },
  };
}

// The Dockerfile, checked without a Docker engine (none runs here): parsed with dockerfile-ast, each
// file it copies and each command it runs must exist in the repository, and the image's commands
// must be the entry point's.
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { apps, jobs } from '../../deploy/image/entrypoint.mjs';
import { exists, read, workspaceScripts } from './repository.js';

const dockerfile = DockerfileParser.parse(read('Dockerfile'));
const stages = dockerfile.getFROMs().map((f) => f.getBuildStage());
const runtimeStart = dockerfile.getFROMs().at(-1)!.getRange().start.line;
const inRuntime = (i: Instruction) => i.getRange().start.line >= runtimeStart;
const runs = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'RUN');
const execForm = (i: Instruction | undefined) =>
  JSON.parse(i!.getArgumentsContent()!.replace(/^CMD\s+/, '')) as string[];

describe('Dockerfile', () => {
  it('builds in one stage and runs in another from a slim Node image, as a user that is not root', () => {
    expect(stages).toEqual(['build', 'runtime']);
    for (const from of dockerfile.getFROMs()) expect(from.getImageName()).toBe('node');
    expect(read('Dockerfile')).toMatch(/FROM node:\$\{NODE_VERSION\}-slim AS runtime/);
    const users = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'USER' && inRuntime(i));
    expect(users.map((u) => u.getArgumentsContent())).toEqual(['node']);
  });

  it('copies only what exists in the build context (or an earlier stage)', () => {
    for (const copy of dockerfile.getCOPYs()) {
      const from = copy.getFromFlag()?.getValue();
      const args = copy.getArguments().map((a) => a.getValue());
      if (from) {
        expect(stages).toContain(from);
        continue;
      }
      for (const source of args.slice(0, -1)) expect(exists(source), `COPY ${source}`).toBe(true);
    }
  });

  it('runs only scripts and commands the repository has', () => {
    const text = runs.map((r) => r.getArgumentsContent()!).join('\n');
    for (const [, file] of text.matchAll(/\bnode (\S+\.(?:mjs|js)|node_modules\/\S+)/g))
      expect(exists(file!), `node ${file}`).toBe(true);
    for (const [, pkg, script] of text.matchAll(/pnpm --filter (\S+) run (\S+)/g))
      expect(workspaceScripts(pkg!)).toHaveProperty(script!);
    expect(text).toMatch(/pnpm install --offline --frozen-lockfile\b/);
    expect(text).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
  });

  it("starts the entry point, whose commands are the apps' built mains, with a health check", () => {
    expect(execForm(dockerfile.getENTRYPOINTs()[0])).toEqual(['node', 'deploy/image/entrypoint.mjs']);
    expect(Object.keys(apps)).toContain(execForm(dockerfile.getCMDs()[0])[0]);
    const check = dockerfile.getHEALTHCHECKs()[0]!.getArgumentsContent()!;
    expect(check).toContain('CMD ["node", "deploy/image/entrypoint.mjs", "healthcheck"]');
    expect(exists('deploy/image/entrypoint.mjs')).toBe(true);
    // each built module comes from a source file the build compiles
    for (const main of [...Object.values(apps).map((a) => a.main), ...Object.values(jobs).flat()])
      expect(exists(main.replace('/dist/', '/src/').replace(/\.js$/, '.ts')), main).toBe(true);
  });

  it('leaves installed and built files out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', 'apps/console/build', '.data', '.git'])
      expect(ignored).toContain(entry);
  });
});

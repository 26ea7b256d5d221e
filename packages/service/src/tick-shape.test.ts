import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keepTickShape } from './tick-shape.js';

const built = pathToFileURL(path.join(import.meta.dirname, '..', 'dist', 'tick-shape.js')).href;

// Ten full collections, each at a moment when no tick is queued, then what V8's inline caches at
// nextTick's object literal hold (its four property definitions, as %DebugPrint lists them).
const PROBE = `
if (process.env.KEEP === '1') {
  const { keepTickShape } = await import(process.env.MODULE);
  if (!keepTickShape()) throw new Error('no tick object was kept');
}
for (let i = 0; i < 10; i++) {
  for (let j = 0; j < 50; j++) await new Promise((r) => process.nextTick(r));
  await new Promise((r) => setImmediate(r));
  globalThis.gc();
}
new Function('f', '%DebugPrint(f)')(process.nextTick);`;

/** The states of nextTick's four literal-definition caches after the collections. */
function cacheStates(keep: boolean): string[] {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--allow-natives-syntax', '--input-type=module', '-e', PROBE],
    { env: { ...process.env, KEEP: keep ? '1' : '0', MODULE: built }, encoding: 'utf8' },
  );
  return [...out.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1]!);
}

describe('keepTickShape', () => {
  it('keeps a tick object, once per process', () => {
    expect(keepTickShape()).toBe(true);
    expect(keepTickShape()).toBe(true);
  });

  it("keeps nextTick's caches monomorphic however often the collector runs", () => {
    expect(cacheStates(true)).toEqual(['MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC']);
  });

  it('is needed: without it the collections leave the caches megamorphic', () => {
    // when this fails, the Node in use keeps the shapes itself and keepTickShape can go
    expect(cacheStates(false)).toContain('MEGAMORPHIC');
  });
});

import { createHook } from 'node:async_hooks';

let kept: object | null = null;

/**
 * Keeps one of process.nextTick's queue entries alive for the life of the process, so that V8 keeps
 * the hidden classes of all of them. Node 20 builds each entry as an object literal with two computed
 * symbol keys, and V8 holds the classes such a literal walks through only weakly: a full collection
 * at a moment when no tick is queued frees them and the next tick builds them anew. After four such
 * collections the literal's inline caches are megamorphic for good, and every nextTick (Node's
 * streams and http make a dozen per proxied request) defines its properties through the runtime:
 * 4-10 % of a proxy's CPU, in one process and not the next, as the collector's timing fell
 * (bench/end-to-end.md, 2026-12-05). Call it first thing in a process; later calls do nothing.
 * Returns whether an entry is kept (an async hook sees each one as a 'TickObject' resource).
 */
export function keepTickShape(): boolean {
  if (kept) return true;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') kept ??= resource;
    },
  }).enable();
  process.nextTick(() => undefined);
  hook.disable();
  return kept !== null;
}

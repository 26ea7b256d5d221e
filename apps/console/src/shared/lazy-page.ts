/** A page loaded when first shown (its own chunk), from a module that exports it by name. */
import { lazy, type ComponentType } from 'react';

export function lazyPage<K extends string, M extends { [P in K]: ComponentType }>(
  load: () => Promise<M>,
  name: K,
) {
  return lazy(async () => ({ default: (await load())[name] }));
}

/**
 * What differs between an object as it is and as a manifest asks for, field by field. Both sides
 * come with every default filled in (each kind's spec functions), so a default left out of a
 * manifest is no change.
 */
import type { Admin } from '@apim/rest-contract';

/** `path` is a JSON pointer into the spec, e.g. /operations/3/rule/timeoutMs */
export type FieldChange = Admin.FieldChange;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The changes turning `from` into `to`; an absent (undefined) value and a missing key are alike. */
export function diffSpecs(from: unknown, to: unknown, path = ''): FieldChange[] {
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(to), ...Object.keys(from)])];
    return keys.flatMap((k) => diffSpecs(from[k], to[k], `${path}/${escape(k)}`));
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const length = Math.max(from.length, to.length);
    return Array.from({ length }, (_, i) => diffSpecs(from[i], to[i], `${path}/${i}`)).flat();
  }
  if (from === to) return [];
  return [
    { path: path || '/', ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
  ];
}

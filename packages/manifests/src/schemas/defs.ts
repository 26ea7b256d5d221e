/**
 * A schema that references the REST contract's components (`#/components/schemas/X`) made
 * self-contained: the components it reaches copied under `$defs` and the references pointed there,
 * so a published manifest schema works in any editor or validator on its own.
 */
import type { JsonSchema } from '@apim/rest-contract';

const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

function rewrite(value: unknown, reached: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, reached));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = key === '$ref' && typeof v === 'string' ? COMPONENT_REF.exec(v)?.[1] : undefined;
    if (name) reached.add(name);
    out[key] = name ? `#/$defs/${name}` : rewrite(v, reached);
  }
  return out;
}

export function selfContained(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const reached = new Set<string>();
  const root = rewrite(schema, reached) as JsonSchema;
  const defs: Record<string, unknown> = {};
  for (const name of reached) {
    if (name in defs) continue;
    const component = components[name];
    if (!component) throw new Error(`the REST contract has no component ${name}`);
    defs[name] = rewrite(component, reached); // adds what the component reaches to the set being iterated
  }
  return Object.keys(defs).length ? { ...root, $defs: defs } : root;
}

/**
 * A `$ref` key inside an example value or an `x-` extension is data, not a reference: GitHub's REST
 * description, for one, has SCIM examples whose group members carry `"$ref": "https://..."`. The
 * parser would fetch (and refuse) or look up (and miss) them. Its `dereference.excludedPathMatcher`
 * option covers dereferencing only, not bundling nor resolving external files, which follow every
 * `$ref`; so such keys are renamed in each parsed file before the parser walks it, and named back in
 * the result.
 */

/** Cannot come from a document's own keys in practice, and Postgres would refuse it if it stayed. */
const DATA_REF = '\u0000$ref';

/** Fields whose value is a map of names (of properties, schemas, headers...): its keys are no keywords. */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'dependentSchemas',
  'schemas',
  'parameters',
  'responses',
  'headers',
  'requestBodies',
  'securitySchemes',
  'securityDefinitions',
  'links',
  'callbacks',
  'pathItems',
  'webhooks',
  'content',
  'encoding',
  'variables',
]);

/** `2.0`: an `examples` object maps media types to example values; `3`: names to Example Objects. */
export type ExamplesStyle = '2.0' | '3';

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renames, in place, the `$ref` keys of a parsed file that are data. */
export function hideDataRefs(doc: unknown, style: ExamplesStyle): void {
  walk(doc, style, new Set());
}

/** Names the hidden keys back to `$ref`, in place, anywhere in the parser's result. */
export function restoreDataRefs(doc: unknown): void {
  renameKeys(doc, DATA_REF, '$ref', new Set());
}

function walk(node: unknown, style: ExamplesStyle, seen: Set<object>): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) walk(item, style, seen);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key.startsWith('x-')) hide(value);
    else if (key === 'examples') hideExamples(value, style);
    else if (NAME_MAPS.has(key) && isMap(value))
      for (const named of Object.values(value)) walk(named, style, seen);
    else walk(value, style, seen);
  }
}

/**
 * A schema's `examples` (an array) and OpenAPI 2.0's (by media type) are values; OpenAPI 3's are
 * Example Objects, whose `value` is data and whose own `$ref` is a reference.
 */
function hideExamples(examples: unknown, style: ExamplesStyle): void {
  if (Array.isArray(examples) || style === '2.0') return hide(examples);
  if (!isMap(examples)) return;
  for (const example of Object.values(examples)) {
    if (!isMap(example)) continue;
    for (const [key, value] of Object.entries(example))
      if (key === 'value' || key.startsWith('x-')) hide(value);
  }
}

function hide(data: unknown): void {
  renameKeys(data, '$ref', DATA_REF, new Set());
}

/** Renames a key wherever it occurs under `node`, keeping each object's key order. */
function renameKeys(node: unknown, from: string, to: string, seen: Set<object>): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  if (isMap(node) && Object.hasOwn(node, from)) {
    const entries = Object.entries(node);
    for (const [key] of entries) delete node[key];
    for (const [key, value] of entries) node[key === from ? to : key] = value;
  }
  for (const value of Object.values(node)) renameKeys(value, from, to, seen);
}

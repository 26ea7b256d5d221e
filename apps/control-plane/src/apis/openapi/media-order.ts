/**
 * JSON first among an operation's media types. A stored definition is a jsonb column, which keeps
 * an object's keys sorted by length, so `application/xml` comes back before `application/json`:
 * renderers and try-it take the first media type as the request's Content-Type and the response's
 * Accept, and sent XML with a JSON example. The consumer's document puts JSON media types first,
 * the others in their order.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isJson = (mediaType: string) => /^application\/([\w.-]+\+)?json\b/i.test(mediaType);
/** a `content` map: every key a media type (a schema property named `content` has none) */
const isMediaMap = (o: Obj) => {
  const keys = Object.keys(o);
  return keys.length > 1 && keys.every((k) => k.includes('/'));
};

function reorder(content: Obj): Obj {
  const keys = Object.keys(content);
  const ordered = [...keys.filter(isJson), ...keys.filter((k) => !isJson(k))];
  return Object.fromEntries(ordered.map((k) => [k, content[k]]));
}

/** `doc` with every `content` map's JSON media types first (in place; returned for chaining). */
export function jsonMediaFirst<T extends Obj>(doc: T): T {
  const visit = (node: unknown, depth: number): void => {
    if (depth > 64) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    if (!isObj(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'content' && isObj(value) && isMediaMap(value)) node[key] = reorder(value);
      visit(node[key], depth + 1);
    }
  };
  visit(doc, 0);
  return doc;
}

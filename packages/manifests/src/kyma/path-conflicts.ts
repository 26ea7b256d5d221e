/**
 * Kyma's check that no rule path is shadowed by an earlier one of the same method
 * (api-gateway internal/path/segment_trie and token, used by hasPathByMethodConflict): paths are
 * split into segments; a later path collides when an earlier one already matches all of it,
 * `{*}` standing for one segment and `{**}` for any number (`/*` is `/{**}`).
 */

interface Node {
  end: boolean;
  children: Map<string, Node>;
  /** for a `{**}` node: what followed the operator in each path that put it here */
  suffixes: string[];
}

const node = (end: boolean): Node => ({ end, children: new Map(), suffixes: [] });

const segmentsOf = (path: string) => (path === '/*' ? '/{**}' : path).replace(/^\/+/, '').split('/');
const joined = (segments: string[]) => segments.map((s) => `/${s}`).join('');

function matchesExisting(at: Node, segments: string[], i: number): boolean {
  if (i >= segments.length) return at.end;
  const literal = at.children.get(segments[i] ?? '');
  if (literal && matchesExisting(literal, segments, i + 1)) return true;
  const one = at.children.get('{*}');
  if (one && matchesExisting(one, segments, i + 1)) return true;
  const any = at.children.get('{**}');
  if (any) {
    for (let j = i; j <= segments.length; j++) {
      const suffix = joined(segments.slice(j));
      if (any.suffixes.some((s) => s === suffix || s === '')) return true;
    }
  }
  return false;
}

/** A trie of the paths seen so far for one method. */
export class PathTrie {
  private readonly root = node(false);

  /** Adds the path; false when an earlier path already covers it (Kyma refuses the rule). */
  add(path: string): boolean {
    const segments = segmentsOf(path);
    if (this.root.children.size && matchesExisting(this.root, segments, 0)) return false;
    let at = this.root;
    segments.forEach((segment, i) => {
      let next = at.children.get(segment);
      if (!next) {
        next = node(i === segments.length - 1);
        at.children.set(segment, next);
      }
      if (segment === '{**}') next.suffixes.push(joined(segments.slice(i + 1)));
      at = next;
    });
    return true;
  }
}

/**
 * A radix tree over path segments: static children in a Map, one parameter child, one trailing
 * wildcard. Match cost depends on the depth of the path, not on how many routes are stored, and a
 * route is inserted or removed in O(depth), so deploying one API among 10,000 touches only its own
 * nodes. (find-my-way rebuilds its whole tree on every removal, which is why this exists.)
 */
export type PatternSegment =
  { kind: 'static'; text: string } | { kind: 'param'; name: string } | { kind: 'wildcard' };

class TrieNode<T> {
  statics: Map<string, TrieNode<T>> | null = null;
  param: TrieNode<T> | null = null;
  paramName = '';
  value: T | null = null;
  wildcard: T | null = null;

  isEmpty(): boolean {
    return this.value === null && this.wildcard === null && this.param === null && !this.statics?.size;
  }
}

export interface TrieMatch<T> {
  value: T;
  /** values of the parameters, in pattern order */
  params: string[];
  /** index of the first segment the trailing wildcard swallowed, or -1 */
  wildcardFrom: number;
}

/** `{name}` is a parameter segment, a final `*` a wildcard; anything else is literal. */
export function parsePattern(path: string): PatternSegment[] {
  const out: PatternSegment[] = [];
  const parts = path.split('/').filter((p) => p !== '');
  parts.forEach((p, i) => {
    if (p === '*' && i === parts.length - 1) out.push({ kind: 'wildcard' });
    else if (/^\{[^{}/]+\}$/.test(p)) out.push({ kind: 'param', name: p.slice(1, -1) });
    else out.push({ kind: 'static', text: p });
  });
  return out;
}

export class SegmentTrie<T> {
  private readonly root = new TrieNode<T>();

  insert(pattern: PatternSegment[], value: T): void {
    let node = this.root;
    for (const seg of pattern) {
      if (seg.kind === 'wildcard') {
        node.wildcard = value;
        return;
      }
      if (seg.kind === 'param') {
        node.param ??= new TrieNode<T>();
        node.paramName = seg.name;
        node = node.param;
      } else {
        node.statics ??= new Map();
        let next = node.statics.get(seg.text);
        if (!next) node.statics.set(seg.text, (next = new TrieNode<T>()));
        node = next;
      }
    }
    node.value = value;
  }

  /** Removes the route at `pattern` if it still holds `value`, pruning emptied nodes. */
  remove(pattern: PatternSegment[], value: T): void {
    const path: Array<{ node: TrieNode<T>; seg: Exclude<PatternSegment, { kind: 'wildcard' }> }> = [];
    let node: TrieNode<T> | null | undefined = this.root;
    for (const seg of pattern) {
      if (seg.kind === 'wildcard') break;
      path.push({ node, seg });
      node = seg.kind === 'param' ? node.param : node.statics?.get(seg.text);
      if (!node) return;
    }
    const last = pattern[pattern.length - 1];
    if (last?.kind === 'wildcard') {
      if (node.wildcard === value) node.wildcard = null;
    } else if (node.value === value) node.value = null;
    for (let i = path.length - 1; i >= 0; i--) {
      const { node: parent, seg } = path[i]!;
      const child = seg.kind === 'param' ? parent.param : parent.statics?.get(seg.text);
      if (!child?.isEmpty()) break;
      if (seg.kind === 'param') parent.param = null;
      else parent.statics?.delete(seg.text);
    }
  }

  match(segments: readonly string[], accept: (value: T) => boolean = () => true): TrieMatch<T> | null {
    const params: string[] = [];
    return this.walk(this.root, segments, 0, params, accept);
  }

  private walk(
    node: TrieNode<T>,
    segs: readonly string[],
    i: number,
    params: string[],
    accept: (value: T) => boolean,
  ): TrieMatch<T> | null {
    if (i === segs.length) {
      if (node.value !== null && accept(node.value))
        return { value: node.value, params: [...params], wildcardFrom: -1 };
      if (node.wildcard !== null && accept(node.wildcard))
        return { value: node.wildcard, params: [...params], wildcardFrom: i };
      return null;
    }
    const seg = segs[i]!;
    const next = node.statics?.get(seg);
    if (next) {
      const m = this.walk(next, segs, i + 1, params, accept);
      if (m) return m;
    }
    if (node.param) {
      params.push(seg);
      const m = this.walk(node.param, segs, i + 1, params, accept);
      params.pop();
      if (m) return m;
    }
    if (node.wildcard !== null && accept(node.wildcard))
      return { value: node.wildcard, params: [...params], wildcardFrom: i };
    return null;
  }
}

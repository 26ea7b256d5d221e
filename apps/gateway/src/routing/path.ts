/** A request target split once into what routing needs; raw segments are what the backend gets. */
export interface RequestTarget {
  /** percent-decoded segments, empty ones (from `//`) dropped */
  segments: string[];
  /** the same segments as they arrived, for forwarding without re-encoding */
  rawSegments: string[];
  trailingSlash: boolean;
  /** the query string with its `?`, or '' */
  query: string;
}

export type TargetResult = RequestTarget | { error: string };

/**
 * Parses and normalises a request-target. Anything that could make the gateway route one path and
 * the backend read another (dot segments, encoded or literal; encoded slashes or backslashes inside a
 * segment; backslashes; NUL; invalid or overlong UTF-8) is refused instead of being "fixed".
 */
export function parseTarget(url: string): TargetResult {
  if (url.charCodeAt(0) !== 47 /* / */) return { error: 'the request target must be an absolute path' };
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  if (path.includes('\\')) return { error: 'backslashes are not allowed in the path' };
  if (url.includes('#')) return { error: 'a fragment is not allowed in the request target' };
  const segments: string[] = [];
  const rawSegments: string[] = [];
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const raw = parts[i] as string;
    if (raw === '') continue;
    let decoded = raw;
    if (raw.includes('%')) {
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        return { error: 'the path has invalid percent-encoding or UTF-8' };
      }
      if (decoded.includes('/') || decoded.includes('\\'))
        return { error: 'encoded slashes are not allowed in a path segment' };
    }
    if (decoded === '.' || decoded === '..') return { error: 'dot segments are not allowed in the path' };
    if (decoded.includes('\0')) return { error: 'NUL is not allowed in the path' };
    segments.push(decoded);
    rawSegments.push(raw);
  }
  return { segments, rawSegments, trailingSlash: path.length > 1 && path.endsWith('/'), query };
}

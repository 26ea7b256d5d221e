import { DeploymentError } from '../pipeline/deployment-error.js';

/**
 * One segment of a Kyma rule path (APIRule v2): a literal, `{*}` (exactly one segment), `{**}` or a
 * final `*` (zero or more segments, only last), or our usual `{name}` parameter (one segment, kept).
 */
export type RuleSegment =
  { kind: 'literal'; text: string } | { kind: 'one' } | { kind: 'param'; name: string } | { kind: 'rest' };

/** A rule path compiled once at deploy; `/*` and `/{**}` match every path. */
export interface RulePath {
  readonly segments: readonly RuleSegment[];
  /** the last segment is `rest`: the path may be longer than the pattern */
  readonly open: boolean;
  readonly paramNames: readonly string[];
}

const PARAM = /^\{([^{}/*]+)\}$/;

/** Compiles an operation target; a path Kyma would refuse refuses the deployment, naming it. */
export function compileRulePath(target: string): RulePath {
  const parts = target.split('/').filter((p) => p !== '');
  const segments: RuleSegment[] = parts.map((p, i) => {
    const last = i === parts.length - 1;
    if (p === '{**}' || p === '*') {
      if (!last) throw new DeploymentError(`rule path ${target}: ${p} may only be the last segment`);
      return { kind: 'rest' };
    }
    if (p === '{*}') return { kind: 'one' };
    const param = PARAM.exec(p);
    if (param) return { kind: 'param', name: param[1]! };
    if (/[{}*]/.test(p))
      throw new DeploymentError(
        `rule path ${target}: segment "${p}" must be a literal, {*}, {**} (last) or {name}`,
      );
    return { kind: 'literal', text: p };
  });
  return {
    segments,
    open: segments.at(-1)?.kind === 'rest',
    paramNames: segments.flatMap((s) => (s.kind === 'param' ? [s.name] : [])),
  };
}

/**
 * Whether the request's (decoded) segments match; the values of `{name}` parameters are pushed on
 * `params` in pattern order (meaningful only on a match: the caller empties it before each try).
 * No backtracking is needed: only the last segment may span several.
 */
export function matchRulePath(path: RulePath, segments: readonly string[], params: string[]): boolean {
  const pattern = path.segments;
  const fixed = path.open ? pattern.length - 1 : pattern.length;
  if (path.open ? segments.length < fixed : segments.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) {
    const p = pattern[i]!;
    if (p.kind === 'literal') {
      if (p.text !== segments[i]) return false;
    } else if (p.kind === 'param') params.push(segments[i]!);
  }
  return true;
}

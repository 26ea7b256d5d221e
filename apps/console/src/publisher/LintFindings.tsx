/**
 * The OpenAPI linter's findings (Spectral, oas ruleset), as WSO2 4.x's publisher lists them: counted
 * by severity, each with its line, message, rule and where in the document. They inform; only the
 * definition's errors refuse an import.
 */
import type { Publisher } from '@apim/rest-contract';
import { StatusBadge } from '../shared/ui';

type Finding = Publisher.LintResult;

const SEVERITY_WORDS: Readonly<Record<Finding['severity'], [one: string, many: string]>> = {
  error: ['error', 'errors'],
  warn: ['warning', 'warnings'],
  info: ['information', 'information'],
  hint: ['hint', 'hints'],
};

/** The badge a severity wears: the console's error and warning colours, the plain one for the rest. */
const BADGES = { error: 'error', warn: 'warning', info: 'info', hint: 'hint' } as const;
const BADGE_LABELS = { error: 'Error', warning: 'Warning', info: 'Information', hint: 'Hint' } as const;

export function countsOf(findings: readonly Finding[]): string {
  const parts = (Object.keys(SEVERITY_WORDS) as Finding['severity'][]).flatMap((s) => {
    const n = findings.filter((f) => f.severity === s).length;
    return n ? [`${n} ${SEVERITY_WORDS[s][n === 1 ? 0 : 1]}`] : [];
  });
  return parts.join(', ');
}

export function LintFindings(props: {
  findings: readonly Finding[];
  /** given: each line number is a button that takes the editor there */
  onGoTo?: (f: Finding) => void;
  /** the heading's id, so the section is named by it */
  id: string;
}) {
  const { findings } = props;
  return (
    <section className="panel" aria-labelledby={props.id}>
      <h3 id={props.id}>
        Linter findings{findings.length > 0 && <span className="muted">: {countsOf(findings)}</span>}
      </h3>
      {findings.length === 0 ? (
        <p className="empty">The OpenAPI ruleset has nothing to report.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Line</th>
              <th scope="col">Message</th>
              <th scope="col">Rule</th>
              <th scope="col">Path</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f, i) => (
              <tr key={`${f.rule}:${f.line}:${f.column}:${i}`}>
                <td>
                  <StatusBadge status={BADGES[f.severity]} labels={BADGE_LABELS} />
                </td>
                <td>
                  {props.onGoTo ? (
                    <button type="button" className="link" onClick={() => props.onGoTo!(f)}>
                      {/* the name holds the visible text, so speech input finds it by what it shows */}
                      <span className="sr-only">Go to line </span>
                      {f.line}:{f.column}
                    </button>
                  ) : (
                    `${f.line}:${f.column}`
                  )}
                </td>
                <td>{f.message}</td>
                <td>
                  <code>{f.rule}</code>
                </td>
                <td>
                  <code>{f.path.join('.')}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Checks the edited definition with the control plane's validation (the importer's own verdict,
 * and the linter's findings with their line and column) and turns the findings into CodeMirror's
 * lint markers. The server is asked rather than a copy of its checks run in the browser, so what
 * the editor accepts is what the save accepts.
 */
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { Publisher } from '@apim/rest-contract';
import { request } from '../../shared/api';

export type Finding = Publisher.LintResult;

export interface DefinitionCheck {
  /** the importer's verdict: an invalid definition is refused on save */
  valid: boolean;
  /** why it is invalid, in the importer's words (it may name no line) */
  errors: string[];
  findings: Finding[];
}

export async function checkDefinition(text: string, signal?: AbortSignal): Promise<DefinitionCheck> {
  const form = new FormData();
  form.set('inlineAPIDefinition', text);
  const answer = await request<Publisher.OpenAPIDefinitionValidationResponse>(
    'publisher',
    '/apis/validate-openapi',
    { method: 'POST', form, signal },
  );
  const errors = (answer.errors ?? []).map((e) => {
    const { description, message } = (e ?? {}) as { description?: unknown; message?: unknown };
    return String(description ?? message ?? 'The definition is invalid');
  });
  return { valid: answer.isValid === true, errors, findings: answer.lint ?? [] };
}

const SEVERITY: Readonly<Record<Finding['severity'], Diagnostic['severity']>> = {
  error: 'error',
  warn: 'warning',
  info: 'info',
  hint: 'hint',
};

/** Where a finding's 1-based line and column fall in the document, kept inside it. */
export function positionOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(column, 1) - 1, l.to);
}

/** A marker from the finding's position to the end of its line (the linter gives a start only). */
export function diagnosticsOf(doc: Text, findings: readonly Finding[]): Diagnostic[] {
  return findings.map((f) => {
    const from = positionOf(doc, f.line, f.column);
    const to = Math.max(doc.lineAt(from).to, Math.min(from + 1, doc.length));
    return {
      from,
      to,
      severity: SEVERITY[f.severity],
      source: f.rule,
      message: f.path.length ? `${f.message} (at ${f.path.join('.')})` : f.message,
    };
  });
}

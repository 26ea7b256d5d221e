import { describe, expect, it } from 'vitest';
import { Text } from '@codemirror/state';
import { diagnosticsOf, positionOf, type Finding } from './check';

const doc = Text.of(['openapi: 3.0.3', 'paths:', '  /a:', '    get: {}']);
const finding = (line: number, column: number, severity: Finding['severity'] = 'warn'): Finding => ({
  severity,
  rule: 'operation-description',
  message: 'Operation "description" must be present and non-empty string.',
  path: ['paths', '/a', 'get'],
  line,
  column,
});

describe('positionOf', () => {
  it('turns a 1-based line and column into an offset in the text', () => {
    expect(positionOf(doc, 1, 1)).toBe(0);
    expect(positionOf(doc, 4, 5)).toBe(doc.line(4).from + 4);
  });

  it('keeps a position the text no longer has inside it (the text changed since the check)', () => {
    expect(positionOf(doc, 99, 1)).toBe(doc.line(4).from);
    expect(positionOf(doc, 2, 99)).toBe(doc.line(2).to);
    expect(positionOf(doc, 0, 0)).toBe(0);
  });
});

describe('diagnosticsOf', () => {
  it('marks from the finding to the end of its line, with its severity, rule and path', () => {
    const [d] = diagnosticsOf(doc, [finding(4, 5)]);
    expect(d).toEqual({
      from: doc.line(4).from + 4,
      to: doc.line(4).to,
      severity: 'warning',
      source: 'operation-description',
      message: 'Operation "description" must be present and non-empty string. (at paths./a.get)',
    });
  });

  it("maps Spectral's severities to CodeMirror's", () => {
    const severities = diagnosticsOf(doc, [
      finding(1, 1, 'error'),
      finding(1, 1, 'warn'),
      finding(1, 1, 'info'),
      finding(1, 1, 'hint'),
    ]).map((d) => d.severity);
    expect(severities).toEqual(['error', 'warning', 'info', 'hint']);
  });

  it('marks at least one character on an empty line', () => {
    const withEmpty = Text.of(['a: 1', '', 'b: 2']);
    const [d] = diagnosticsOf(withEmpty, [finding(2, 1)]);
    expect(d!.to).toBeGreaterThan(d!.from);
  });
});

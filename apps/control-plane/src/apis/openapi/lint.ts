/**
 * Lints an OpenAPI document with Spectral's `oas` ruleset, as WSO2 4.x does on import: findings with
 * their severity, rule, message, JSON path and line/column in the text the publisher gave. Linting
 * never decides whether a document is accepted (swagger-parser's validation does, parse.ts).
 */
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { Resolver } from '@stoplight/spectral-ref-resolver';
import { oas } from '@stoplight/spectral-rulesets';
import type { Publisher } from '@apim/rest-contract';
import type { OpenApiSource } from './parse.js';

// The packages are CommonJS: under Node's ESM their named exports are read from the default export.
const { Spectral, Document } = spectralCore;
type RulesetDefinition = Parameters<InstanceType<typeof Spectral>['setRuleset']>[0];

export type LintFinding = Publisher.LintResult;

/** Spectral's DiagnosticSeverity (0..3) as words. */
const SEVERITIES = ['error', 'warn', 'info', 'hint'] as const;

/** Findings kept per document: a generated document can have thousands of the same warning. */
const MAX_FINDINGS = 500;

let spectral: InstanceType<typeof Spectral> | undefined;

/**
 * One linter per process: building the ruleset compiles its JSON Schemas (a few hundred ms), so it
 * is done once, on first use. Its resolver has no readers: a `$ref` to a file or URL is never
 * followed (swagger-parser already resolved the allowed ones; the linter must not read the
 * server's disk or the network on a publisher's behalf).
 */
function linter(): InstanceType<typeof Spectral> {
  if (!spectral) {
    spectral = new Spectral({ resolver: new Resolver({ dereferenceRemote: false, resolvers: {} }) });
    // The ruleset's typings declare an 'extends' its definition does not have (nor need).
    spectral.setRuleset(oas as unknown as RulesetDefinition);
  }
  return spectral;
}

/**
 * The text to lint: the publisher's own (inline, or the main uploaded file) so that lines match
 * what they wrote; for a URL, the document as read (its lines are then those of that rendering).
 */
export function lintedText(source: OpenApiSource, document?: Record<string, unknown>): string | undefined {
  if (source.kind === 'inline') return source.text;
  if (source.kind === 'files') return source.files.get(source.main);
  return document ? JSON.stringify(document, null, 2) : undefined;
}

export async function lintOpenApi(text: string): Promise<LintFinding[]> {
  // JSON is a subset of YAML 1.2: Spectral's YAML parser reads both with positions.
  const document = new Document(text, spectralParsers.Yaml, 'openapi.yaml');
  const results = await linter().run(document, { ignoreUnknownFormat: false });
  return results
    .sort(
      (a, b) =>
        a.severity - b.severity ||
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character,
    )
    .slice(0, MAX_FINDINGS)
    .map((r) => ({
      severity: SEVERITIES[r.severity] ?? 'hint',
      rule: String(r.code),
      message: r.message,
      path: r.path.map(String),
      line: r.range.start.line + 1,
      column: r.range.start.character + 1,
    }));
}

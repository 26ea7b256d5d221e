import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatewayErrors, gatewayErrorBody } from './errors.js';

const docPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/error-codes.md');

function renderTable(): string {
  const rows = Object.entries(GatewayErrors).map(
    ([name, e]) => `| ${e.code} | ${e.status} | \`${name}\` | ${e.message} | ${e.description} |`,
  );
  return ['| code | HTTP status | name | message | description |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

describe('the gateway error registry', () => {
  it('is documented in docs/error-codes.md exactly as defined', () => {
    const doc = readFileSync(docPath, 'utf8');
    expect(doc, `docs/error-codes.md must contain this table:\n${renderTable()}`).toContain(renderTable());
  });

  it('gives each (code, status) pair one meaning', () => {
    const seen = new Map<string, string>();
    for (const [name, e] of Object.entries(GatewayErrors)) {
      const key = `${e.code}/${e.status}`;
      expect(seen.get(key), `${name} repeats ${key}`).toBeUndefined();
      seen.set(key, name);
      expect(e.code).toMatch(/^\d{6}$/);
    }
  });

  it('builds WSO2-shaped bodies', () => {
    expect(gatewayErrorBody('MISSING_CREDENTIALS')).toEqual({
      code: '900902',
      message: 'Missing Credentials',
      description: GatewayErrors.MISSING_CREDENTIALS.description,
    });
    expect(gatewayErrorBody('API_BLOCKED', 'PizzaShack is blocked').description).toBe(
      'PizzaShack is blocked',
    );
  });
});

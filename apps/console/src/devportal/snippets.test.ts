import { describe, expect, it } from 'vitest';
import { curlSnippet, fetchSnippet, pythonSnippet, type PreparedRequest } from './snippets';

const request: PreparedRequest = {
  method: 'POST',
  url: "http://gw.example.com/pets/1.0.0/pet?name=o'brien",
  headers: { Authorization: 'Bearer abc', 'Content-Type': 'application/json' },
  body: '{"name":"Rex\'s"}',
};

describe('code snippets', () => {
  it('quotes every part of a curl command for the shell', () => {
    expect(curlSnippet(request)).toBe(
      [
        "curl -X POST 'http://gw.example.com/pets/1.0.0/pet?name=o'\\''brien'",
        "  -H 'Authorization: Bearer abc'",
        "  -H 'Content-Type: application/json'",
        `  --data-raw '{"name":"Rex'\\''s"}'`,
      ].join(' \\\n'),
    );
  });

  it('writes a fetch call that is valid JavaScript with the same request', () => {
    const code = fetchSnippet(request);
    // The snippet is a module body with top-level await; it compiles as an async function body.
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      body: string,
    ) => unknown;
    expect(() => new AsyncFunction(code)).not.toThrow();
    expect(code).toContain('method: "POST"');
    expect(code).toContain(JSON.stringify(request.body));
    expect(code).toContain('"Authorization": "Bearer abc"');
  });

  it('writes a Python requests call with the method, URL, headers and body', () => {
    const code = pythonSnippet({ ...request, body: undefined, method: 'GET' });
    expect(code).toContain(
      'requests.request(\n    "GET",\n    "http://gw.example.com/pets/1.0.0/pet?name=o\'brien",',
    );
    expect(code).toContain('"Authorization": "Bearer abc",');
    expect(code).not.toContain('data=');
  });
});

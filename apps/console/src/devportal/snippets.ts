/** Ready-to-run code for one call: curl, JavaScript fetch and Python requests. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const pyString = (s: string) => JSON.stringify(s);

export function curlSnippet(r: PreparedRequest): string {
  const lines = [`curl -X ${r.method} ${shellQuote(r.url)}`];
  for (const [k, v] of Object.entries(r.headers)) lines.push(`  -H ${shellQuote(`${k}: ${v}`)}`);
  if (r.body !== undefined) lines.push(`  --data-raw ${shellQuote(r.body)}`);
  return lines.join(' \\\n');
}

export function fetchSnippet(r: PreparedRequest): string {
  const options = [
    `  method: ${JSON.stringify(r.method)},`,
    `  headers: ${JSON.stringify(r.headers, null, 2).replace(/\n/g, '\n  ')},`,
    ...(r.body !== undefined ? [`  body: ${JSON.stringify(r.body)},`] : []),
  ];
  return [
    `const response = await fetch(${JSON.stringify(r.url)}, {`,
    ...options,
    '});',
    'console.log(response.status, await response.text());',
  ].join('\n');
}

export function pythonSnippet(r: PreparedRequest): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `    ${pyString(k)}: ${pyString(v)},`)
    .join('\n');
  return [
    'import requests',
    '',
    `response = requests.request(`,
    `    ${pyString(r.method)},`,
    `    ${pyString(r.url)},`,
    `    headers={\n${headers}\n    },`,
    ...(r.body !== undefined ? [`    data=${pyString(r.body)},`] : []),
    ')',
    'print(response.status_code, response.text)',
  ].join('\n');
}

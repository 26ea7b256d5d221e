// GraphQL validation benchmark: what the gateway's graphql handler spends on one request's document
// against a GitHub-like schema (apps/gateway/src/handlers/graphql/fixtures/github.graphql), for five
// realistic queries: uncached (hash + parse + validate against the schema + root fields and depth,
// each text new to the cache), cached (hash + LRU hit), and the complexity walk done per request
// (its page sizes may be variables). In process, one core: the figures are per query, side by side.
// Run: `npm run bench -- graphql` (or, after `npx tsc -b`, `node bench/graphql.mjs`).
// BENCH_ITERATIONS (default 2000).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const dist = (file) => pathToFileURL(path.join(root, 'apps/gateway/dist/handlers/graphql', file)).href;
const { DocumentCache } = await import(dist('document-cache.js'));
const { complexityOf } = await import(dist('complexity.js'));
const { buildSchema } = await import(dist('graphql-js.js'));

const iterations = Number(process.env.BENCH_ITERATIONS ?? 2000);
const sdl = readFileSync(
  path.join(root, 'apps/gateway/src/handlers/graphql/fixtures/github.graphql'),
  'utf8',
);
const schema = buildSchema(sdl);

const QUERIES = {
  'viewer, 2 fields': '{ viewer { login name } }',
  'repositories page': `query Repos($n: Int!) {
    viewer { login repositories(first: $n) { totalCount pageInfo { hasNextPage endCursor }
      nodes { id name description stargazerCount primaryLanguage { name color } } } } }`,
  'issues with comments': `query Issues($owner: String!, $name: String!) {
    repository(owner: $owner, name: $name) { name
      issues(first: 20, states: [OPEN]) { totalCount nodes { number title state author { login }
        comments(first: 10) { totalCount nodes { body author { login name } } } } } } }`,
  'fragments, 4 levels': `query Profile($login: String!) { user(login: $login) { ...UserCard
      followers(first: 10) { nodes { ...UserCard repositories(first: 5) { nodes { ...RepoCard } } } } } }
    fragment UserCard on User { id login name createdAt }
    fragment RepoCard on Repository { id name stargazerCount owner { ...UserCard } }`,
  mutation: `mutation Open($input: CreateIssueInput!) { createIssue(input: $input) { id number title state } }`,
};
const VARIABLES = {
  n: 50,
  owner: 'octocat',
  name: 'hello',
  login: 'octocat',
  input: { repositoryId: 'R_1', title: 't' },
};

function perQuery(fn) {
  for (let i = 0; i < Math.min(200, iterations); i++) fn(i); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

const rows = [];
for (const [name, query] of Object.entries(QUERIES)) {
  // a fresh text each time (a trailing comment): hashed, parsed and validated, never a hit
  const uncachedCache = new DocumentCache(schema, 1000);
  const uncached = perQuery((i) => uncachedCache.get(`${query}\n# ${i}`));
  const cache = new DocumentCache(schema, 1000);
  const { analysis } = cache.get(query);
  if (!analysis.valid) throw new Error(`${name}: ${analysis.errors.map((e) => e.message).join('; ')}`);
  const cached = perQuery(() => cache.get(query));
  const op = analysis.operations[0];
  const complexity = complexityOf(schema, analysis.document, op.node.name?.value, VARIABLES);
  const walk = perQuery(() => complexityOf(schema, analysis.document, op.node.name?.value, VARIABLES));
  rows.push({ name, uncached, cached, walk, depth: op.depth, complexity });
}

const us = (n) => `${n.toFixed(1)} µs`;
console.log(
  `GraphQL validation per query, ${iterations} iterations, GitHub-like schema (${sdl.length} bytes of SDL)\n`,
);
console.log('| query | depth | complexity | uncached | cached | uncached/cached | complexity walk |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.depth} | ${r.complexity} | ${us(r.uncached)} | ${us(r.cached)} | ${(r.uncached / r.cached).toFixed(0)}x | ${us(r.walk)} |`,
  );

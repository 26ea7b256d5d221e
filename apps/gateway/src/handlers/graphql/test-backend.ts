/**
 * A GraphQL server made with graphql-js's own executor over the GitHub-like fixture schema, for the
 * gateway's tests: POST (JSON) and GET (?query=), every call recorded.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';

export const GITHUB_SDL = readFileSync(new URL('./fixtures/github.graphql', import.meta.url), 'utf8');

const user = (login: string): Record<string, unknown> => ({
  id: `U_${login}`,
  login,
  name: login.toUpperCase(),
  createdAt: '2020-01-01T00:00:00Z',
  followers: ({ first }: { first: number }) => page(first, (i) => user(`${login}-follower-${i}`)),
  repositories: ({ first }: { first: number }) => page(first, (i) => repository(login, `repo-${i}`)),
});

const repository = (owner: string, name: string): Record<string, unknown> => ({
  id: `R_${owner}_${name}`,
  name,
  stargazerCount: 42,
  owner: () => user(owner),
  collaborators: ({ first }: { first: number }) => page(first, (i) => user(`${owner}-collaborator-${i}`)),
});

function page(first: number, item: (i: number) => unknown) {
  const nodes = Array.from({ length: Math.min(first, 3) }, (_, i) => item(i));
  return { totalCount: nodes.length, nodes, pageInfo: { hasNextPage: false, endCursor: null } };
}

const root = {
  viewer: () => user('octocat'),
  user: ({ login }: { login: string }) => user(login),
  repository: ({ owner, name }: { owner: string; name: string }) => repository(owner, name),
  addStar: ({ starrableId }: { starrableId: string }) => ({
    ...repository('octocat', starrableId),
    stargazerCount: 43,
  }),
};

export interface GraphqlBackend {
  url: string;
  /** the queries it executed, in order */
  received: string[];
  close(): Promise<void>;
}

export async function startGraphqlBackend(): Promise<GraphqlBackend> {
  const schema = buildSchema(GITHUB_SDL);
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://backend');
      const body: Record<string, unknown> =
        req.method === 'POST'
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : {
              query: url.searchParams.get('query'),
              variables: JSON.parse(url.searchParams.get('variables') ?? '{}'),
            };
      received.push(String(body.query));
      void graphql({
        schema,
        source: String(body.query),
        rootValue: root,
        variableValues: body.variables as Record<string, unknown>,
        operationName: body.operationName as string | undefined,
      }).then((result) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

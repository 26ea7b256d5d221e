/**
 * A GraphQL subscriptions server for the gateway's tests: graphql-ws's own server (`useServer` on a
 * `ws` server, subprotocol graphql-transport-ws) executing with graphql-js over an SDL with a
 * Subscription type. Each handshake's URL and each subscribe's query are recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
// graphql-ws executes with the graphql-js instance Node loads for it: the schema must be made by that one
import { buildSchema } from './graphql-js.js';

export const ISSUES_SDL = `
type Issue {
  number: Int!
  title: String!
}

type Query {
  status: String!
}

type Subscription {
  "the next \`count\` issues opened in the repository, then the end of the stream"
  issueOpened(repository: String!, count: Int!): Issue!
  "the audit log's entries (a scope guards it at the gateway)"
  auditLog: String!
}
`;

/** graphql-js's default subscribe resolver calls the root's field; each payload is named by the field */
const roots = {
  query: { status: () => 'ok' },
  subscription: {
    async *issueOpened({ repository, count }: { repository: string; count: number }) {
      for (let n = 1; n <= count; n++) yield { issueOpened: { number: n, title: `${repository} #${n}` } };
    },
    async *auditLog() {
      yield { auditLog: 'entry 1' };
    },
  },
};

export interface SubscriptionBackend {
  /** http://127.0.0.1:port: the gateway's relay opens ws:// on it */
  url: string;
  /** the URL of each handshake the backend took */
  handshakes: string[];
  /** the query of each subscribe the backend executed */
  subscribed: string[];
  close(): Promise<void>;
}

export async function startSubscriptionBackend(): Promise<SubscriptionBackend> {
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server });
  const handshakes: string[] = [];
  const subscribed: string[] = [];
  const graphqlWs = useServer(
    {
      schema: buildSchema(ISSUES_SDL),
      roots,
      onConnect: (ctx) => void handshakes.push(ctx.extra.request.url ?? ''),
      onSubscribe: (_ctx, _id, payload) => void subscribed.push(payload.query),
    },
    wss,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handshakes,
    subscribed,
    async close() {
      await graphqlWs.dispose();
      await new Promise((r) => server.close(r));
    },
  };
}

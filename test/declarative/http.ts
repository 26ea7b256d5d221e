/**
 * The HTTP side of the declarative e2e tests: requests with a Host header of ours (node:http:
 * fetch will not send one), real servers on port 0 (backends, authorizers), an httpbin-like echo,
 * and a developer's keys and client_credentials tokens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StartedKeyManager } from '@apim/key-manager/testing';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';

export interface User {
  username: string;
  password: string;
}
export const ADMIN: User = { username: 'admin', password: TEST_ADMIN_PASSWORD };
export const basicAuth = (who: User) =>
  `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}`;
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** the body as JSON, or {} when it is not JSON */
  json: Record<string, unknown>;
}

function answerOf(status: number, headers: http.IncomingHttpHeaders, text: string): Answer {
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the text says it
  }
  return { status, headers, text, json };
}

/** node:http, since fetch will not send a Host header of ours. */
export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(answerOf(res.statusCode ?? 0, res.headers, text)));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A real HTTP server on 127.0.0.1, port 0. */
export async function listen(
  handler: http.RequestListener,
): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** httpbin's /anything, in short: the request as the backend saw it, with CORS headers of its own. */
export const echo: http.RequestListener = (req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
    'access-control-allow-credentials': 'true',
  });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
};

export interface ClientKey {
  clientId: string;
  clientSecret: string;
}

/** Production keys for client_credentials of an application, made in the developer portal by `who`. */
export async function generateKeys(
  stack: { rest(method: string, urlPath: string, body: unknown, who: User): Promise<Answer> },
  applicationId: string,
  who: User = ADMIN,
): Promise<ClientKey> {
  const keys = await stack.rest(
    'POST',
    `/api/am/devportal/v3/applications/${applicationId}/generate-keys`,
    { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] },
    who,
  );
  if (keys.status !== 200) throw new Error(`keys: ${keys.status} ${keys.text}`);
  return { clientId: String(keys.json.consumerKey), clientSecret: String(keys.json.consumerSecret) };
}

/** A client_credentials access token from the key manager's token endpoint. */
export async function accessToken(km: StartedKeyManager, key: ClientKey, scope?: string): Promise<string> {
  const basic = Buffer.from(
    `${encodeURIComponent(key.clientId)}:${encodeURIComponent(key.clientSecret)}`,
  ).toString('base64');
  const answer = await request(km.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope && { scope }) }).toString(),
  });
  if (answer.status !== 200) throw new Error(`token: ${answer.status} ${answer.text}`);
  return String(answer.json.access_token);
}

/**
 * One real stack per declarative e2e file: a database of its own, the key manager, the control
 * plane (every APIRule service reached at 127.0.0.1 on its port) and a gateway; plus what those
 * tests do with it: apply YAML as a user writes it (through the REST API, or files through the
 * built `apim` CLI), call the gateway on a rule's host, and count what an apply may have changed.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { startGateway, type StartedGateway } from '@apim/gateway/testing';
import { startKeyManager, type StartedKeyManager } from '@apim/key-manager/testing';
import {
  TEST_ADMIN_PASSWORD,
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';

export const ADMIN_AUTH = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;
export const MANIFESTS = '/api/am/admin/v4/manifests';
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/cli/dist/main.js');

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** the body as JSON, or {} when it is not JSON */
  json: Record<string, unknown>;
}

export interface ApplyOptions {
  file?: string;
  label?: string;
  prune?: boolean;
  dryRun?: boolean;
  waitSeconds?: number;
}

export interface DeclarativeStack {
  db: TestDatabase;
  km: StartedKeyManager;
  cp: RunningControlPlane;
  gw: StartedGateway;
  prisma: PrismaClient;
  /** a scratch folder for manifest files, removed at close */
  dir: string;
  /** a control-plane REST call as the seeded admin */
  rest(method: string, urlPath: string, body?: unknown): Promise<Answer>;
  /** YAML text (one or many documents) sent to /manifests/apply as JSON, each naming its file and index */
  applyYaml(yaml: string, options?: ApplyOptions): Promise<Answer>;
  /** the built `apim` CLI as the admin, against this control plane */
  apim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** writes a manifest file in `dir` (its folders made), answering its path */
  writeManifest(name: string, yaml: string): Promise<string>;
  /** a request through the gateway with the Host header of a rule */
  call(
    host: string,
    target: string,
    init?: { method?: string; headers?: Record<string, string> },
  ): Promise<Answer>;
  /** the rows an apply may write: revisions, gateway events, managed objects */
  counts(): Promise<{ revisions: number; events: number; managed: number }>;
  close(): Promise<void>;
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
  applicationId: string;
  clientId: string;
  clientSecret: string;
}

/** An application of the admin's with production keys for client_credentials (developer portal). */
export async function applicationKey(
  stack: Pick<DeclarativeStack, 'rest'>,
  name: string,
  throttlingPolicy = 'Unlimited',
): Promise<ClientKey> {
  const app = await stack.rest('POST', '/api/am/devportal/v3/applications', {
    name,
    throttlingPolicy,
    tokenType: 'JWT',
  });
  if (app.status !== 201) throw new Error(`application ${name}: ${app.status} ${app.text}`);
  const applicationId = String(app.json.applicationId);
  const keys = await stack.rest('POST', `/api/am/devportal/v3/applications/${applicationId}/generate-keys`, {
    keyType: 'PRODUCTION',
    grantTypesToBeSupported: ['client_credentials'],
  });
  if (keys.status !== 200) throw new Error(`keys of ${name}: ${keys.status} ${keys.text}`);
  return {
    applicationId,
    clientId: String(keys.json.consumerKey),
    clientSecret: String(keys.json.consumerSecret),
  };
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

export async function startDeclarativeStack(): Promise<DeclarativeStack> {
  const prefix = testRedisPrefix();
  const db = await createTestDatabase();
  const km = await startKeyManager({ databaseUrl: db.url, redisUrl: testRedisUrl(), redisPrefix: prefix });
  const shared = {
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: km.url,
    internalSecret: km.internalSecret,
  };
  const cp = await startControlPlane({
    ...shared,
    env: { APIM_APIRULE_SERVICE_URL: 'http://127.0.0.1:{port}' },
  });
  const gw = await startGateway(shared);
  const prisma = createPrismaClient(db.url, { poolSize: 2 });
  const dir = await mkdtemp(path.join(tmpdir(), 'apim-declarative-'));

  const rest = async (method: string, urlPath: string, body?: unknown) =>
    request(`${cp.url}${urlPath}`, {
      method,
      headers: {
        authorization: ADMIN_AUTH,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  return {
    db,
    km,
    cp,
    gw,
    prisma,
    dir,
    rest,
    async applyYaml(yaml, { file = 'manifests.yaml', ...options } = {}) {
      const documents = parseAllDocuments(yaml).map((doc, index) => ({
        source: { file, index },
        manifest: doc.toJS() as unknown,
      }));
      return rest('POST', `${MANIFESTS}/apply`, { waitSeconds: 20, ...options, documents });
    },
    apim(...args) {
      const env = {
        ...process.env,
        APIM_CONTROL_PLANE_URL: cp.url,
        APIM_USERNAME: 'admin',
        APIM_PASSWORD: TEST_ADMIN_PASSWORD,
        HOME: dir,
      };
      return new Promise((resolve) =>
        execFile(process.execPath, [CLI, ...args], { env }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      );
    },
    async writeManifest(name, yaml) {
      const file = path.join(dir, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, yaml);
      return file;
    },
    call: (host, target, init = {}) =>
      request(`${gw.url}${target}`, { method: init.method, headers: { ...init.headers, host } }),
    async counts() {
      const [revisions, events, managed] = await Promise.all([
        prisma.apiRevision.count(),
        prisma.gatewayEvent.count(),
        prisma.managedObject.count(),
      ]);
      return { revisions, events, managed };
    },
    async close() {
      await gw.close();
      await cp.close();
      await km.close();
      await prisma.$disconnect();
      await db.drop();
      await cleanupRedis(prefix);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

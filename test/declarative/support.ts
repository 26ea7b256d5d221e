/**
 * One real stack per declarative e2e file: a database of its own, the key manager, the control
 * plane (every APIRule service reached at 127.0.0.1 on its port) and a gateway; plus what those
 * tests do with it: apply YAML as a user writes it (through the REST API, or files through the
 * built `apim` CLI), call the gateway on a rule's host, and count what an apply may have changed.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  eventually,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { ADMIN, basicAuth, request, type Answer, type User } from './http.js';

export const MANIFESTS = '/api/am/admin/v4/manifests';
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/cli/dist/main.js');

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
  /** a control-plane REST call, as the seeded admin unless `who` is given (null: no credentials) */
  rest(method: string, urlPath: string, body?: unknown, who?: User | null): Promise<Answer>;
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
  /** resolves once the gateway has applied every gateway event committed so far */
  synced(): Promise<void>;
  /** the rows an apply may write: revisions, gateway events, managed objects */
  counts(): Promise<{ revisions: number; events: number; managed: number }>;
  close(): Promise<void>;
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

  const rest = async (method: string, urlPath: string, body?: unknown, who: User | null = ADMIN) =>
    request(`${cp.url}${urlPath}`, {
      method,
      headers: {
        ...(who && { authorization: basicAuth(who) }),
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
    async synced() {
      const last = await prisma.gatewayEvent.aggregate({ _max: { id: true } });
      await eventually(() => {
        if (gw.app.state.lastEventId < (last._max.id ?? 0))
          throw new Error('the gateway is behind the event log');
      });
    },
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

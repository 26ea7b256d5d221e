/**
 * The real CLI against a real control plane, key manager and gateway: an APIRule applied (Ready
 * once the gateway serves it, and answered through the gateway on its host), applied again (no
 * change), diffed, listed, exported, refused when invalid (exit 2, nothing changed), and deleted;
 * wrong credentials end with exit 3.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
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

const cli = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'cli',
  'dist',
  'main.js',
);

let db: TestDatabase;
let km: StartedKeyManager;
let cp: RunningControlPlane;
let gw: StartedGateway;
let backend: http.Server;
let dir = '';
const prefix = testRedisPrefix();

function apim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    APIM_CONTROL_PLANE_URL: cp.url,
    APIM_USERNAME: 'admin',
    APIM_PASSWORD: TEST_ADMIN_PASSWORD,
    HOME: dir,
  };
  return new Promise((resolve) =>
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** A call through the gateway on the APIRule's host (fetch would not send a Host header of ours). */
function call(requestPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${gw.url}${requestPath}`,
      { headers: { host: 'httpbin.example.com' }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject).end();
  });
}

const apiRule = (paths: string[]) => `apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata: { name: httpbin, namespace: default }
spec:
  hosts: [httpbin.example.com]
  service: { name: httpbin, port: ${(backend.address() as AddressInfo).port} }
  rules:
${paths.map((p) => `    - { path: "${p}", methods: [GET], noAuth: true }`).join('\n')}
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apim-cli-cp-'));
  backend = http.createServer((req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`backend ${req.url}`),
  );
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  db = await createTestDatabase();
  km = await startKeyManager({ databaseUrl: db.url, redisUrl: testRedisUrl(), redisPrefix: prefix });
  const shared = {
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: km.url,
    internalSecret: km.internalSecret,
  };
  cp = await startControlPlane({ ...shared, env: { APIM_APIRULE_SERVICE_URL: 'http://127.0.0.1:{port}' } });
  gw = await startGateway(shared);
});

afterAll(async () => {
  await gw?.close();
  await cp?.close();
  await km?.close();
  await db?.drop();
  await cleanupRedis(prefix);
  await new Promise((r) => backend?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('apim against a control plane', () => {
  it('applies an APIRule: Ready once the gateway serves it on its host; the same file again changes nothing', async () => {
    const file = path.join(dir, 'httpbin.yaml');
    await writeFile(file, apiRule(['/headers', '/anything/{**}']));
    const applied = await apim('apply', '-f', file, '--wait', '60');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(
      /^KIND +NAME +ACTION +STATE +DESCRIPTION\nAPIRule +default\/httpbin +create +Ready/,
    );
    expect(await call('/anything/x')).toEqual({ status: 200, body: 'backend /anything/x' });

    const again = await apim('apply', '-f', file, '-o', 'json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      changed: false,
      objects: [{ kind: 'APIRule', name: 'default/httpbin', action: 'unchanged' }],
    });
    expect(await apim('diff', '-f', file)).toMatchObject({ code: 0 });
  });

  it('diffs a change (exit 1, the fields named) without applying it', async () => {
    const file = path.join(dir, 'changed.yaml');
    await writeFile(file, apiRule(['/headers', '/status/{*}', '/anything/{**}']));
    const diff = await apim('diff', '-f', file);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/APIRule +default\/httpbin +update/);
    expect(diff.stdout).toMatch(/\/operations\/1\/target: .*"\/status\/\{\*\}"/);
    const status = await apim('get', 'APIRule', '-o', 'yaml');
    expect(status).toMatchObject({ code: 0, stdout: expect.stringContaining('state: Ready') });
  });

  it('refuses an invalid APIRule with exit 2 naming the document and field, changing nothing', async () => {
    const file = path.join(dir, 'invalid.yaml');
    await writeFile(file, apiRule(['/anything/{**}', '/anything/{*}/one']));
    const refused = await apim('apply', '-f', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${file}#0 /spec/rules/1/path: path /anything/{*}/one with GET is already matched by an earlier rule`,
    );
    expect((await call('/headers')).status).toBe(200);
  });

  it('exports the APIRule as applied, and deletes it', async () => {
    const exported = await apim('export', 'APIRule');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('kind: APIRule');
    expect(exported.stdout).toContain('- httpbin.example.com');
    const deleted = await apim('delete', '-f', path.join(dir, 'httpbin.yaml'));
    expect(deleted).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/APIRule +default\/httpbin +delete/),
    });
    expect((await apim('get', '-o', 'json')).stdout).toContain('"count": 0');
  });

  it('ends with exit 3 when the credentials are refused', async () => {
    const run = await apim('get', '--password', 'wrong-password');
    expect(run).toMatchObject({
      code: 3,
      stderr: expect.stringContaining(`the control plane at ${cp.url} refused the credentials of admin (401`),
    });
  });
});

/**
 * The real CLI (built, as `npm run apim` runs it) in a child process: usage and invalid manifests
 * end with exit 2 and send nothing; an unreachable server ends with exit 3 and names it, wherever
 * the server came from (flag, environment, config file).
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@apim/testing';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

function apim(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('APIM_')));
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...clean, HOME: dir, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let dir = '';
let probe: http.Server;
let probeUrl = '';
const received: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apim-cli-'));
  await writeFile(
    path.join(dir, 'bad.yaml'),
    'apiVersion: gateway.kyma-project.io/v2\nkind: APIRule\nmetadata: { name: a\nspec: {}\n',
  );
  await writeFile(
    path.join(dir, 'httpbin.yaml'),
    'apiVersion: gateway.kyma-project.io/v2\nkind: APIRule\nmetadata: { name: httpbin }\nspec: { hosts: [httpbin], service: { name: httpbin, port: 8000 }, rules: [{ path: /*, noAuth: true }] }\n',
  );
  probe = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => probe?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('apim without a control plane', () => {
  it('prints its usage, and refuses an unknown command or option with exit 2', async () => {
    const help = await apim(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: apim <command> \[options\]/);
    expect(await apim(['frob'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^apim: frob is not a command/),
    });
    expect(await apim(['get', '--prune'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^apim: --prune is not an option of get/),
    });
    expect(await apim(['apply'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^apim: apply needs -f <file\|dir>/),
    });
    expect(await apim(['apply', '-f', 'x.yaml', '--prune'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--prune needs -l <label>/),
    });
    expect(await apim(['apply', '-f', 'x.yaml', '--wait', 'soon'])).toMatchObject({ code: 2 });
  });

  it('refuses invalid manifests with exit 2, each problem as file#document pointer: message, and sends nothing', async () => {
    const bad = path.join(dir, 'bad.yaml');
    const missing = path.join(dir, 'missing.yaml');
    const run = await apim(['apply', '-f', bad, '-f', missing, '--server', probeUrl]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${bad}#0 /: line \\d+, column \\d+: `)),
      `${missing}#0 /: cannot read ${missing}: no such file or directory`,
      '2 problems in the manifests: nothing was changed',
      '',
    ]);
    expect(received).toEqual([]);
  });

  it('ends with exit 3 naming the server it cannot reach: flag, environment, then config file', async () => {
    const port = await freePort();
    const httpbin = path.join(dir, 'httpbin.yaml');
    const flag = await apim(['apply', '-f', httpbin, '--server', `http://127.0.0.1:${port}`]);
    expect(flag.code).toBe(3);
    expect(flag.stderr).toMatch(
      new RegExp(`^apim: cannot reach the control plane at http://127.0.0.1:${port}: .*ECONNREFUSED`),
    );

    const fromEnv = await apim(['get'], { APIM_CONTROL_PLANE_URL: `http://127.0.0.1:${port}/` });
    expect(fromEnv).toMatchObject({
      code: 3,
      stderr: expect.stringContaining(`control plane at http://127.0.0.1:${port}:`),
    });

    const config = path.join(dir, 'config.yaml');
    await writeFile(config, `server: http://127.0.0.1:${port}\nusername: alice\npassword: secret\n`);
    const fromConfig = await apim(['status', '--config', config]);
    expect(fromConfig).toMatchObject({
      code: 3,
      stderr: expect.stringContaining(`control plane at http://127.0.0.1:${port}:`),
    });
    expect(await apim(['get', '--config', path.join(dir, 'none.yaml')])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^apim: cannot read the config file .*none\.yaml/),
    });
  });

  it('ends with exit 3 when the server fails, saying what it answered', async () => {
    const run = await apim(['export', '--server', probeUrl]);
    expect(run).toMatchObject({
      code: 3,
      stderr: `apim: the control plane at ${probeUrl} answered 500 to GET /api/am/admin/v4/manifests/export: Internal Server Error\n`,
    });
  });
});

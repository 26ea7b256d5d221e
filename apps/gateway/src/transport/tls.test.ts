/** HTTPS with mutual TLS: certificates made with openssl for this test only. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../test-support/stack.js';

let s: Stack;
let dir: string;
const file = (name: string) => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCertificates(): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  for (const who of ['server', 'client']) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
      '-subj',
      `/CN=${who}`,
    );
    const ext = file(`${who}.ext`);
    execFileSync('sh', [
      '-c',
      `printf '%s' "$0" > "$1"`,
      who === 'server' ? 'subjectAltName=IP:127.0.0.1' : 'extendedKeyUsage=clientAuth',
      ext,
    ]);
    openssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${who}.crt`,
      '-days',
      '1',
      '-extfile',
      ext,
    );
  }
}

function get(url: string, options: https.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, options, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gw-tls-'));
  makeCertificates();
  s = await startStack({
    gatewayEnv: {
      APIM_GATEWAY_TLS_CERT: file('server.crt'),
      APIM_GATEWAY_TLS_KEY: file('server.key'),
      APIM_GATEWAY_TLS_CA: file('ca.crt'),
    },
  });
  await s.fx.deployApi({
    context: '/tls',
    backendUrl: s.backend.url,
    operations: [{ verb: 'GET', target: '/*', authEnabled: false }],
  });
  await s.synced();
});

afterAll(async () => {
  await s?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('HTTPS with mutual TLS', () => {
  it('serves a client presenting a certificate from the configured CA, and tells the backend it was HTTPS', async () => {
    const ca = await readFile(file('ca.crt'));
    const status = await get(`${s.gw.httpsUrl}/tls/1.0.0/x`, {
      ca,
      cert: await readFile(file('client.crt')),
      key: await readFile(file('client.key')),
    });
    expect(status).toBe(200);
    expect(s.backend.received.at(-1)?.headers['x-forwarded-proto']).toBe('https');
  });

  it('refuses a client without a certificate during the handshake', async () => {
    const ca = await readFile(file('ca.crt'));
    await expect(get(`${s.gw.httpsUrl}/tls/1.0.0/x`, { ca })).rejects.toThrow();
  });
});

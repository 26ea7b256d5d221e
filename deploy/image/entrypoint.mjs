// The image's entry point: its first argument picks what the container runs (Dockerfile, compose.yaml
// and the Helm chart name these commands). Plain JavaScript: it runs the built apps as they are.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The long-running apps: their main module and the port variable (and default) of their /healthz. */
export const apps = {
  gateway: { main: 'apps/gateway/dist/main.js', port: ['APIM_GATEWAY_PORT', 8280] },
  'key-manager': { main: 'apps/key-manager/dist/main.js', port: ['APIM_KEY_MANAGER_PORT', 9444] },
  'control-plane': { main: 'apps/control-plane/dist/main.js', port: ['APIM_CONTROL_PLANE_PORT', 9443] },
};

/** One-shot steps, each module run in turn: migrate applies the migrations, then seeds what is missing. */
export const jobs = {
  migrate: ['packages/db/dist/cli/migrate.js', 'packages/db/dist/cli/seed.js'],
};

/** Generated secrets (compose.yaml's `secrets` service), each a file of APIM_SECRETS_DIR. */
export const generatedSecrets = {
  APIM_INTERNAL_SECRET: { file: 'internal-secret', make: () => randomBytes(36).toString('base64url') },
  APIM_KEY_ENCRYPTION_KEY: { file: 'key-encryption-key', make: () => randomBytes(32).toString('base64url') },
  APIM_ADMIN_PASSWORD: { file: 'admin-password', make: () => randomBytes(12).toString('base64url') },
};

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** Writes the secrets missing from APIM_SECRETS_DIR (readable by this user alone); never prints them. */
function makeSecrets(dir) {
  for (const { file, make } of Object.values(generatedSecrets)) {
    const target = path.join(dir, file);
    if (!existsSync(target)) writeFileSync(target, make(), { mode: 0o600, flag: 'wx' });
  }
  process.stdout.write(`secrets ready in ${dir}\n`);
}

/** A variable set in the environment wins; else the generated file's value, when there is one. */
function loadSecrets(dir) {
  for (const [name, { file }] of Object.entries(generatedSecrets)) {
    const target = path.join(dir, file);
    if (!process.env[name]?.trim() && existsSync(target))
      process.env[name] = readFileSync(target, 'utf8').trim();
  }
}

/** HEALTHCHECK: GET /healthz of the app this container runs (PID 1's command), 0 when it answers 200. */
async function healthcheck() {
  const command = readFileSync('/proc/1/cmdline', 'utf8')
    .split('\0')
    .find((arg) => arg in apps);
  if (!command) return 0; // a one-shot job: nothing to check
  const [variable, fallback] = apps[command].port;
  const port = Number(process.env[variable] || fallback);
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) }).catch(
    () => null,
  );
  return res?.status === 200 ? 0 : 1;
}

async function main([command, ...rest]) {
  const secretsDir = process.env.APIM_SECRETS_DIR;
  if (command === 'secrets')
    return secretsDir ? makeSecrets(secretsDir) : fail('secrets needs APIM_SECRETS_DIR');
  if (command === 'healthcheck') process.exit(await healthcheck());
  if (secretsDir) loadSecrets(secretsDir);
  if (command in apps) {
    process.argv = [process.argv[0], path.join(root, apps[command].main), ...rest];
    await import(pathToFileURL(process.argv[1]).href);
    return;
  }
  if (command in jobs) {
    for (const step of jobs[command]) {
      const r = spawnSync(process.execPath, [path.join(root, step), ...rest], { stdio: 'inherit' });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    return;
  }
  fail(
    `Unknown command ${JSON.stringify(command ?? '')}: use one of ${[...Object.keys(apps), ...Object.keys(jobs), 'secrets'].join(', ')}.`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await main(process.argv.slice(2));

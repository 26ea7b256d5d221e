/**
 * Where the control plane is and who calls it: a flag, else the environment, else the config file
 * (`--config`, APIM_CONFIG, ~/.config/apim/config.yaml: {server, username, password}), else the
 * local stack's development defaults (http://127.0.0.1:9443, admin/admin), so that
 * `npm run apim -- apply -f x.yaml` works right after `npm start`.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { UsageError } from './errors.js';

export interface Settings {
  server: string;
  username: string;
  password: string;
}

export interface SettingFlags {
  server?: string;
  username?: string;
  password?: string;
  config?: string;
}

type Env = Record<string, string | undefined>;

const DEFAULT_SERVER = 'http://127.0.0.1:9443';
/** The local stack's development admin (packages/db/src/admin-password.ts). */
const DEVELOPMENT_ADMIN = { username: 'admin', password: 'admin' };

async function readConfig(flags: SettingFlags, env: Env): Promise<Partial<Settings>> {
  const given = flags.config ?? env.APIM_CONFIG;
  const file = given ?? path.join(homedir(), '.config', 'apim', 'config.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!given && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let config: unknown;
  try {
    config = parse(text) ?? {};
  } catch (error) {
    throw new UsageError(`the config file ${file} is not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const fields = config as Record<string, unknown>;
  if (
    typeof config !== 'object' ||
    Array.isArray(config) ||
    Object.values(fields).some((v) => typeof v !== 'string')
  )
    throw new UsageError(`the config file ${file} must be a mapping of server, username and password (text)`);
  return {
    server: fields.server as string,
    username: fields.username as string,
    password: fields.password as string,
  };
}

export async function resolveSettings(flags: SettingFlags, env: Env = process.env): Promise<Settings> {
  const config = await readConfig(flags, env);
  const server = flags.server ?? env.APIM_CONTROL_PLANE_URL ?? config.server ?? DEFAULT_SERVER;
  try {
    if (!/^https?:$/.test(new URL(server).protocol)) throw new Error('not http');
  } catch {
    throw new UsageError(`the server ${server} is not an http:// or https:// URL`);
  }
  return {
    server: server.replace(/\/+$/, ''),
    username: flags.username ?? env.APIM_USERNAME ?? config.username ?? DEVELOPMENT_ADMIN.username,
    password:
      flags.password ??
      env.APIM_PASSWORD ??
      env.APIM_ADMIN_PASSWORD ??
      config.password ??
      DEVELOPMENT_ADMIN.password,
  };
}

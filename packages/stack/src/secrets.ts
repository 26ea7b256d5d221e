import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StackSecrets {
  internalSecret: string;
  keyEncryptionKey: string;
}

/**
 * Secrets a development start needs but nobody set: generated once into the data directory (mode
 * 0600) and reused, so tokens and encrypted keys survive restarts. Values from the environment win.
 */
export async function loadOrCreateSecrets(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<StackSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<StackSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(await readFile(file, 'utf8')) as Partial<StackSecrets>;
  const secrets: StackSecrets = {
    internalSecret:
      env.APIM_INTERNAL_SECRET || stored.internalSecret || randomBytes(32).toString('base64url'),
    keyEncryptionKey:
      env.APIM_KEY_ENCRYPTION_KEY || stored.keyEncryptionKey || randomBytes(32).toString('base64url'),
  };
  if (
    stored.internalSecret !== secrets.internalSecret ||
    stored.keyEncryptionKey !== secrets.keyEncryptionKey
  ) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

/** Shared set-up of this app's tests: a database, a Redis prefix and a running control plane. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomSecret, hashPassword } from '@apim/service';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  TEST_ADMIN_PASSWORD,
} from '@apim/testing';
import type { StartedKeyManager } from '@apim/key-manager/testing';
import { describeErrors, documentValidators, type JsonSchema } from './http/rest-api.js';
import { startControlPlane, type RunningControlPlane } from './testing.js';

export const PETSTORE_YAML = readFileSync(
  fileURLToPath(new URL('./apis/openapi/fixtures/petstore.yaml', import.meta.url)),
  'utf8',
);

export interface TestBed {
  cp: RunningControlPlane;
  /** the real key manager, when asked for */
  km?: StartedKeyManager;
  prisma: PrismaClient;
  databaseUrl: string;
  redisPrefix: string;
  close(): Promise<void>;
}

export async function startTestBed(
  options: { keyManager?: boolean; importUrlAllowlist?: string[] } = {},
): Promise<TestBed> {
  const db = await createTestDatabase();
  const redisPrefix = testRedisPrefix();
  const internalSecret = randomSecret(32);
  // loaded only when asked for: the key manager brings oidc-provider with it
  const km = options.keyManager
    ? await (
        await import('@apim/key-manager/testing')
      ).startKeyManager({ databaseUrl: db.url, redisUrl: testRedisUrl(), redisPrefix, internalSecret })
    : undefined;
  const cp = await startControlPlane({
    databaseUrl: db.url,
    // Without the key manager, tests authenticate with Basic credentials only.
    keyManagerUrl: km?.url ?? 'http://127.0.0.1:9',
    internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix,
    importUrlAllowlist: options.importUrlAllowlist,
  });
  const prisma = createPrismaClient(db.url, { poolSize: 2 });
  return {
    cp,
    km,
    prisma,
    databaseUrl: db.url,
    redisPrefix,
    async close() {
      await cp.close();
      await km?.close();
      await prisma.$disconnect();
      await db.drop();
      await cleanupRedis(redisPrefix);
    },
  };
}

export const ADMIN = { username: 'admin', password: TEST_ADMIN_PASSWORD };

export async function createUser(
  prisma: PrismaClient,
  username: string,
  roles: string[],
  password = `${username}-password`,
) {
  await prisma.user.create({
    data: {
      username,
      passwordHash: await hashPassword(password),
      roles: { create: roles.map((roleName) => ({ roleName })) },
    },
  });
  return { username, password };
}

export interface Caller {
  username: string;
  password: string;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * Checks a response against the OpenAPI document of the API it came from: a documented status,
 * and a body matching that status's schema (errors: the Error schema).
 */
export function responseChecker(documents: Record<string, JsonSchema>) {
  const routes = Object.entries(documents).flatMap(([base, doc]) => {
    const validators = documentValidators(doc, `urn:test:${base}`);
    const paths = doc.paths as Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
    return Object.entries(paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(
          `^${base}${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
        ),
        template,
        op,
        validators,
      })),
    );
  });
  // static paths before templated ones (/apis/import-openapi before /apis/{apiId})
  routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  return (
    method: string,
    url: string,
    status: number,
    body: unknown,
    contentType: string | null,
  ): string | undefined => {
    const path = url.split('?')[0]!;
    const route = routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) return undefined;
    const documented = route.op.responses[String(status)]
      ? String(status)
      : status >= 400
        ? 'default'
        : undefined;
    if (!documented)
      return `${method} ${route.template} answered ${status}, which its document does not list`;
    if (!contentType?.includes('application/json') || !route.op.responses[documented]?.content)
      return undefined;
    const validate = route.validators.at(
      route.validators.pointer(
        'paths',
        route.template,
        method.toLowerCase(),
        'responses',
        documented,
        'content',
        'application/json',
        'schema',
      ),
    );
    return validate(body)
      ? undefined
      : `${method} ${route.template} ${status}: ${describeErrors('response', validate.errors)}`;
  };
}

/**
 * A small REST client for the tests: JSON in and out, Basic credentials of `as`; with the
 * server's documents, every response is checked against them.
 */
export function restClient(baseUrl: string, documents?: Record<string, JsonSchema>) {
  const check = documents ? responseChecker(documents) : undefined;
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { as?: Caller; json?: unknown; form?: FormData; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as)
      headers.authorization = `Basic ${Buffer.from(`${options.as.username}:${options.as.password}`).toString('base64')}`;
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) body = options.form;
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const problem = check?.(method, path, res.status, parsed, res.headers.get('content-type'));
    if (problem) throw new Error(`Response does not match the OpenAPI document: ${problem}`);
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
}

export function importForm(
  fields: Record<string, string>,
  files: Array<{ field?: string; name: string; text: string }> = [],
): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append(f.field ?? 'file', new Blob([f.text]), f.name);
  return form;
}

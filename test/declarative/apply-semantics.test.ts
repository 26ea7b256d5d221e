/**
 * Issue 14 end to end, what an apply of files does, through the built `apim` CLI: the same files
 * again change nothing (no revision, no gateway event, no managed-object row); a changed file makes
 * exactly one new revision; diff and --dry-run change nothing; --prune under a label deletes an
 * APIRule dropped from the files and the gateway stops serving its host; a bad document among good
 * ones changes nothing, the error naming file, document index and JSON pointer.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@apim/testing';
import { echo, listen } from './http.js';
import { startDeclarativeStack, type DeclarativeStack } from './support.js';

let stack: DeclarativeStack;
let backend: Awaited<ReturnType<typeof listen>>;
let shop = '';

const apiRule = (name: string, paths: string[]) => `apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata:
  name: ${name}
  namespace: shop
spec:
  hosts:
    - ${name}.example.com
  service:
    name: ${name}
    port: ${backend.port}
  corsPolicy:
    allowOrigins:
      - prefix: https://shop.
    allowMethods: ["GET"]
  rules:
${paths.map((p) => `    - path: ${p}\n      methods: ["GET"]\n      noAuth: true`).join('\n')}
`;

beforeAll(async () => {
  [stack, backend] = await Promise.all([startDeclarativeStack(), listen(echo)]);
  shop = path.join(stack.dir, 'shop');
  await stack.writeManifest('shop/cart.yaml', apiRule('cart', ['/items', '/items/{*}']));
  await stack.writeManifest('shop/orders.yaml', apiRule('orders', ['/orders/{**}']));
});

afterAll(async () => {
  await stack?.close();
  await backend?.close();
});

const served = async (host: string, target: string) => (await stack.call(host, target)).status;

describe('apim apply: idempotent, diff, dry run, prune, refusal', () => {
  it('applies the files, Ready once the gateway serves both hosts', async () => {
    const applied = await stack.apim('apply', '-f', shop, '-l', 'shop', '--wait', '30');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/APIRule +shop\/cart +create +Ready/);
    expect(applied.stdout).toMatch(/APIRule +shop\/orders +create +Ready/);
    expect(await served('cart.example.com', '/items/1')).toBe(200);
    expect(await served('orders.example.com', '/orders/7/lines')).toBe(200);
  });

  it('applies the same files again: unchanged, no revision, no gateway event, no row', async () => {
    const before = await stack.counts();
    const again = await stack.apim('apply', '-f', shop, '-l', 'shop', '-o', 'json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      changed: false,
      objects: [{ action: 'unchanged' }, { action: 'unchanged' }],
    });
    expect(await stack.counts()).toEqual(before);
  });

  it('diff and --dry-run of a changed file change nothing', async () => {
    const before = await stack.counts();
    await stack.writeManifest('shop/cart.yaml', apiRule('cart', ['/items', '/items/{*}', '/basket']));
    const diff = await stack.apim('diff', '-f', shop, '-l', 'shop');
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/APIRule +shop\/cart +update/);
    const dry = await stack.apim('apply', '-f', shop, '-l', 'shop', '--dry-run', '-o', 'json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      changed: true,
      objects: [
        { name: 'shop/cart', action: 'update' },
        { name: 'shop/orders', action: 'unchanged' },
      ],
    });
    expect(await stack.counts()).toEqual(before);
    expect(await served('cart.example.com', '/basket')).toBe(404);
  });

  it('applies the changed file: exactly one new revision, served', async () => {
    const before = await stack.counts();
    const applied = await stack.apim('apply', '-f', shop, '-l', 'shop', '-o', 'json');
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({
      objects: [
        { name: 'shop/cart', action: 'update', state: 'Ready' },
        { name: 'shop/orders', action: 'unchanged' },
      ],
    });
    const after = await stack.counts();
    expect(after.revisions).toBe(before.revisions + 1);
    expect(after.managed).toBe(before.managed);
    expect(await served('cart.example.com', '/basket')).toBe(200);
  });

  it('prunes an APIRule dropped from the files under the label; its host is no longer served', async () => {
    await rm(path.join(shop, 'orders.yaml'));
    const before = await stack.counts();
    const pruned = await stack.apim('apply', '-f', shop, '-l', 'shop', '--prune');
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/APIRule +shop\/orders +delete/);
    expect((await stack.counts()).managed).toBe(before.managed - 1);
    await eventually(async () => expect(await served('orders.example.com', '/orders/7')).toBe(404));
    expect(await served('cart.example.com', '/items')).toBe(200);
    const listed = await stack.apim('get', '-l', 'shop', '-o', 'json');
    expect(JSON.parse(listed.stdout)).toMatchObject({ count: 1, list: [{ name: 'shop/cart' }] });
  });

  it('refuses a bad document among good ones, naming file, document and pointer; nothing changes', async () => {
    const before = await stack.counts();
    const bad = apiRule('broken', ['/x']).replace(
      '      noAuth: true',
      '      noAuth: true\n      timeout: 5000',
    );
    const file = await stack.writeManifest('mixed.yaml', `${apiRule('fresh', ['/new'])}---\n${bad}`);
    const refused = await stack.apim('apply', '-f', file, '-f', shop, '-l', 'shop');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file}#1 /spec/rules/0/timeout: timeout must be at most 3900`);
    expect(await stack.counts()).toEqual(before);
    expect(await served('fresh.example.com', '/new')).toBe(404);
  });
});

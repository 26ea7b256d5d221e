/**
 * The lint rule that keeps apps standing on packages only (eslint.config.js): an app's source never
 * imports another app, its tests reach another app through its `/testing` entry point only, and a
 * package never imports an app; and the rule that keeps the control plane writing what gateways see
 * through its gatewayWrites helper.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const RULE = 'no-restricted-imports';
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: fileURLToPath(new URL('..', import.meta.url)) });
});

/** The errors of RULE for `from` imported in a file at `filePath` (relative to the repository). */
async function boundaryErrors(filePath: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\n\nexport { x };\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === RULE && m.severity === 2).map((m) => m.message);
}

describe('app boundaries lint rule', () => {
  it("refuses another app's code in an app's source, naming the rule and the import", async () => {
    const [error] = await boundaryErrors('apps/gateway/src/x.ts', '@apim/control-plane/gateway-views');
    expect(error).toContain("'@apim/control-plane/gateway-views'");
    expect(error).toContain('never another app');
    for (const [file, from] of [
      ['apps/gateway/src/x.ts', '@apim/control-plane'],
      ['apps/gateway/src/store/x.ts', '@apim/key-manager/src/server'],
      ['apps/key-manager/src/x.ts', '@apim/gateway'],
      ['apps/console/src/x.tsx', '@apim/control-plane'],
      // the testing entry point is for tests
      ['apps/gateway/src/x.ts', '@apim/control-plane/testing'],
    ])
      expect(await boundaryErrors(file!, from!), `${from} in ${file}`).toHaveLength(1);
  });

  it("lets tests and test support start another app through its '/testing' entry point, and nothing else of it", async () => {
    for (const file of [
      'apps/gateway/src/x.test.ts',
      'apps/gateway/src/store/x.test.ts',
      'apps/console/src/x.test.tsx',
      'apps/gateway/src/test-support/x.ts',
      'apps/key-manager/src/test-helpers/x.ts',
      'apps/gateway/src/testing.ts',
      'apps/control-plane/src/test-support.ts',
    ]) {
      expect(await boundaryErrors(file, '@apim/control-plane/testing'), file).toEqual([]);
      expect(await boundaryErrors(file, '@apim/key-manager/testing'), file).toEqual([]);
    }
    for (const from of [
      '@apim/control-plane',
      '@apim/control-plane/gateway-views',
      '@apim/control-plane/testing/x',
    ])
      expect(await boundaryErrors('apps/gateway/src/x.test.ts', from), from).toHaveLength(1);
  });

  it("holds the end-to-end tests under test/ to the apps' '/testing' entry points", async () => {
    for (const file of ['test/console/x.test.ts', 'test/declarative/support.ts']) {
      expect(await boundaryErrors(file, '@apim/gateway/testing'), file).toEqual([]);
      for (const from of ['@apim/control-plane', '../../apps/gateway/src/websocket/test-backends.js'])
        expect(await boundaryErrors(file, from), `${from} in ${file}`).toHaveLength(1);
    }
  });

  it('refuses any app in a package, packages/stack included (it starts the apps as processes)', async () => {
    for (const [file, from] of [
      ['packages/db/src/x.ts', '@apim/gateway'],
      ['packages/gateway-model/src/x.ts', '@apim/control-plane/testing'],
      ['packages/stack/src/x.ts', '@apim/key-manager/testing'],
      ['packages/testing/src/x.test.ts', '@apim/control-plane'],
    ]) {
      const errors = await boundaryErrors(file!, from!);
      expect(errors, `${from} in ${file}`).toHaveLength(1);
      expect(errors[0]).toContain('never imports an app');
    }
  });

  it('lets apps and packages import packages, including one whose name starts like an app', async () => {
    for (const file of ['apps/gateway/src/x.ts', 'apps/control-plane/src/x.ts', 'packages/stack/src/x.ts'])
      for (const from of ['@apim/gateway-model', '@apim/db', '@apim/contracts'])
        expect(await boundaryErrors(file, from), `${from} in ${file}`).toEqual([]);
  });
});

/** The errors of `no-restricted-syntax` for `code` in a file at `filePath` (relative to the repository). */
async function gatewayWriteErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-syntax' && m.severity === 2)
    .map((m) => m.message);
}

describe('gateway writes lint rule', () => {
  const direct = `import type { TransactionClient } from '@apim/db';

export async function block(tx: TransactionClient, id: string) {
  return tx.subscription.update({ where: { id }, data: { status: 'BLOCKED' } });
}
`;
  const throughTheHelper = `import type { TransactionClient } from '@apim/db';
import { gatewayWrites } from '../model/gateway-writes.js';

export async function block(tx: TransactionClient, id: string) {
  return gatewayWrites.subscription.update(tx, { where: { id }, data: { status: 'BLOCKED' } });
}
`;

  it('refuses a control-plane source that writes a row a gateway sees, or appends a gateway event, itself', async () => {
    const [error] = await gatewayWriteErrors('apps/control-plane/src/subscriptions/x.ts', direct);
    expect(error).toContain('gatewayWrites');
    for (const code of [
      `export const f = (prisma: any) => prisma.denyPolicy.deleteMany({});\n`,
      `export const f = (ctx: any) => ctx.prisma.applicationKey.create({ data: {} });\n`,
      `export const f = (tx: any) => tx.revisionDeployment.upsert({});\n`,
      `export const f = (tx: any) => tx.externalAuthorizer.delete({ where: { name: 'x' } });\n`,
      `export const f = (tx: any) => tx.api.update({ where: { id: 'x' }, data: { lifecycleStatus: 'RETIRED' } });\n`,
      `import { appendGatewayEvent } from '@apim/db';\n\nexport { appendGatewayEvent };\n`,
    ])
      expect(await gatewayWriteErrors('apps/control-plane/src/x/y.ts', code), code).toHaveLength(1);
  });

  it('lets it write through gatewayWrites, read freely, and lets the helper itself and tests write directly', async () => {
    expect(await gatewayWriteErrors('apps/control-plane/src/subscriptions/x.ts', throughTheHelper)).toEqual(
      [],
    );
    for (const code of [
      `export const f = (tx: any) => tx.subscription.findMany({ where: { apiId: 'x' } });\n`,
      // the API's working copy is no gateway's business until a revision of it is deployed
      `export const f = (tx: any) => tx.api.update({ where: { id: 'x' }, data: { description: 'y' } });\n`,
    ])
      expect(await gatewayWriteErrors('apps/control-plane/src/x/y.ts', code), code).toEqual([]);
    for (const file of [
      'apps/control-plane/src/model/gateway-writes.ts',
      'apps/control-plane/src/subscriptions/x.test.ts',
      'apps/control-plane/src/test-support.ts',
      'apps/key-manager/src/x.ts',
    ])
      expect(await gatewayWriteErrors(file, direct), file).toEqual([]);
  });
});

/**
 * The console's journey for APIs beyond REST (issue 16), in headless Chromium against the real apps:
 * a publisher creates a GraphQL API from an SDL file and a WebSocket API from an AsyncAPI file (each
 * before a real backend: graphql-js's executor, a `ws` echo server), deploys and publishes both; a
 * developer subscribes an application to both, gets a token, runs a query in GraphiQL and sends a
 * message over the WebSocket try-it, both through the gateway. Screenshots in test-artifacts/console/.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
// The gateway's own test backends: a graphql-js server over its GitHub-like schema, a `ws` echo.
import {
  GITHUB_GRAPHQL_SCHEMA_FILE,
  startEchoBackend,
  startGraphqlBackend,
  type EchoBackend,
  type GraphqlBackend,
} from '@apim/gateway/testing';
import { signIn, signOut } from './session.js';
import { ARTIFACTS, startStack, type Stack } from './stack.js';

/** An AsyncAPI 2.6 document of one channel both ways, served by the echo backend. */
const echoAsyncApi = (backend: string) => `asyncapi: 2.6.0
info:
  title: Echo
  version: 1.0.0
  description: Says back what it is told.
servers:
  production:
    url: ${backend}
    protocol: ws
channels:
  /echo:
    subscribe:
      operationId: receiveEcho
      message: { payload: { type: string } }
    publish:
      operationId: sendEcho
      message: { payload: { type: string } }
`;

let stack: Stack;
let page: Page;
let graphqlBackend: GraphqlBackend;
let echoBackend: EchoBackend;

const shot = (name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `async-${name}.png`), fullPage: true });
const shown = (locator: Locator) => locator.first().waitFor({ state: 'visible' });

beforeAll(async () => {
  [stack, graphqlBackend, echoBackend] = await Promise.all([
    startStack(),
    startGraphqlBackend(),
    startEchoBackend(),
  ]);
  page = stack.page;
  page.setDefaultTimeout(15_000);
  await stack.createUser('publisher1', 'publisher1-password', ['publisher']);
  await stack.createUser('dev1', 'dev1-password', ['subscriber']);
}, 180_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await shot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`);
});

afterAll(async () => {
  await stack?.close();
  await graphqlBackend?.close();
  await echoBackend?.close();
});

/**
 * From the API's page in the publisher: a revision deployed to the gateway, then the API published
 * (through its tabs: the notifications of an API made before are still on screen).
 */
async function deployAndPublish(): Promise<void> {
  await page.getByRole('link', { name: 'Revisions & deployments' }).click();
  await page.getByRole('button', { name: 'Create revision' }).click();
  await page.getByRole('button', { name: 'Deploy Revision 1' }).click();
  await shown(page.getByRole('button', { name: 'Undeploy from Default' }));
  await page.getByRole('link', { name: 'Lifecycle' }).click();
  await page.getByRole('button', { name: 'Publish' }).click();
  await shown(page.getByRole('button', { name: 'Block' }));
}

describe.sequential('console journey: GraphQL and WebSocket APIs', { timeout: 60_000 }, () => {
  it('a publisher creates a GraphQL API from an SDL file, deploys and publishes it', async () => {
    await page.goto(stack.consoleUrl);
    await signIn(page, stack.consoleUrl, 'publisher1', 'publisher1-password');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publisher' }).click();
    await page.getByRole('link', { name: 'Create GraphQL API' }).click();
    await page.getByLabel('GraphQL schema file (SDL)').setInputFiles(GITHUB_GRAPHQL_SCHEMA_FILE);
    await page.getByRole('button', { name: 'Check schema' }).click();
    await shown(page.getByText(/A valid schema with \d+ operations: query viewer/));
    await page.getByLabel('Name', { exact: true }).fill('GitHub Lite');
    await page.getByLabel('Context').fill('/github');
    await page.getByLabel('Version').fill('1.0.0');
    await page.getByLabel('Backend endpoint').fill(graphqlBackend.url);
    await page.getByLabel(/^Gold/).check();
    await shot('graphql-create');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/publisher\/apis\/[0-9a-f-]+\/overview$/, { waitUntil: 'commit' });
    // GraphiQL posts from the console's origin to the gateway's.
    await page.getByRole('link', { name: 'Security & CORS' }).click();
    await page.getByLabel('Enable CORS').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await shown(page.getByText('Saved.'));
    await deployAndPublish();
    await shot('graphql-published');
    expect(await stack.prisma.api.count({ where: { type: 'GRAPHQL', lifecycleStatus: 'PUBLISHED' } })).toBe(
      1,
    );
  });

  it('imports a WebSocket API from an AsyncAPI file, deploys and publishes it', async () => {
    await page.getByRole('link', { name: 'Import AsyncAPI' }).click();
    await page.getByLabel('AsyncAPI file (JSON or YAML)').setInputFiles({
      name: 'echo.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(echoAsyncApi(echoBackend.url)),
    });
    await page.getByRole('button', { name: 'Check definition' }).click();
    await shown(page.getByText('A valid AsyncAPI 2.6.0 definition.'));
    expect(await page.getByLabel('API type').inputValue()).toBe('WS');
    await page.getByLabel('Context').fill('/echo');
    await page.getByLabel(/^Gold/).check();
    await shot('asyncapi-import');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(/\/publisher\/apis\/[0-9a-f-]+\/overview$/, { waitUntil: 'commit' });
    await deployAndPublish();
    await shot('websocket-published');
    expect(await stack.prisma.api.count({ where: { type: 'WS', lifecycleStatus: 'PUBLISHED' } })).toBe(1);
    await signOut(page, stack.consoleUrl);
  });

  it('a developer subscribes an application to both and gets a token', async () => {
    await signIn(page, stack.consoleUrl, 'dev1', 'dev1-password');
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByLabel('Application name').fill('RealtimeApp');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.waitForURL(/\/devportal\/applications\/[0-9a-f-]+\/overview$/, { waitUntil: 'commit' });
    for (const [name, kind] of [
      ['GitHub Lite 1.0.0', 'GraphQL API'],
      ['Echo 1.0.0', 'WebSocket API'],
    ] as const) {
      await page.getByRole('link', { name: 'APIs', exact: true }).click();
      const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name }) });
      await shown(card.getByText(kind, { exact: true }));
      await card.getByRole('link', { name }).click();
      await page.getByLabel('Tier').selectOption('Gold');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await shown(page.getByText('Subscribed on Gold.'));
      // no OpenAPI tabs for these: the API's own page instead
      expect(await page.getByRole('link', { name: 'Try it', exact: true }).count()).toBe(0);
    }
    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await shot('catalog');
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('link', { name: 'RealtimeApp' }).click();
    await page.getByRole('link', { name: 'Production keys' }).click();
    await page.getByRole('button', { name: 'Generate keys' }).click();
    await page.getByRole('button', { name: 'Generate access token' }).click();
    await shown(page.getByLabel('Access token', { exact: true }));
  });

  it('runs a query in GraphiQL through the gateway with that token', async () => {
    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await page.getByRole('link', { name: 'GitHub Lite 1.0.0' }).click();
    await page.getByRole('link', { name: 'Schema and GraphiQL' }).click();
    await shown(page.getByText('Empty: the token generated for RealtimeApp in this tab'));
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // inserted, not typed: the editor would close each brace typed a second time
    await page.keyboard.insertText('{ viewer { login name } }');
    const before = graphqlBackend.received.length;
    await page.getByRole('button', { name: /^Execute query/ }).click();
    const result = page.getByRole('region', { name: 'Result Window' });
    await shown(result.getByText('"octocat"'));
    expect(await result.textContent()).toContain('"OCTOCAT"');
    expect(graphqlBackend.received.slice(before)).toEqual(['{ viewer { login name } }']);
    await shot('graphiql');
  });

  it('sends a message over the WebSocket try-it and sees the echo', async () => {
    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await page.getByRole('link', { name: 'Echo 1.0.0' }).click();
    await page.getByRole('link', { name: 'Channels and try-it' }).click();
    await shown(page.getByRole('table', { name: 'Channels' }).getByText('/echo'));
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const messages = page.getByRole('list', { name: 'Messages' });
    await shown(messages.getByText('Connected to /echo'));
    await page.getByLabel('Message', { exact: true }).fill('hello through the gateway');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await shown(messages.getByRole('listitem').filter({ hasText: 'Received: hello through the gateway' }));
    expect(echoBackend.handshakes.map((h) => new URL(h.url, 'ws://x').pathname)).toEqual(['/echo']);
    await shot('websocket-try-it');
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await shown(messages.getByText(/Closed \(/));
  });

  it('shows no errors in the browser console', () => {
    expect(stack.consoleErrors).toEqual([]);
  });
});

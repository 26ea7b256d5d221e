import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpenApi } from './parse.js';
import { operationsOf } from './operations.js';
import { PETSTORE_YAML } from '../../test-support.js';

const PET_SCHEMA = JSON.stringify({ type: 'object', properties: { name: { type: 'string' } } });
let server: http.Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/pet.json') res.setHeader('content-type', 'application/json').end(PET_SCHEMA);
    else if (req.url === '/petstore.yaml') res.end(PETSTORE_YAML);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function withRemoteRef(url: string): string {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Remote', version: '1' },
    paths: {
      '/pets': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: `${url}/pet.json` } } },
            },
          },
        },
      },
    },
  });
}

/** A SCIM group as GitHub's REST description has it: its members' `$ref` is a URL, and data. */
const scimGroup = (id: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  members: [{ value: id, $ref: `https://api.github.com/scim/v2/Users/${id}`, display: 'octocat' }],
});

const withDataRefs = {
  openapi: '3.0.3',
  info: { title: 'Data refs', version: '1', 'x-logo': { $ref: 'https://example.com/logo.json' } },
  paths: {
    '/groups': {
      get: {
        'x-codeSamples': [{ lang: 'json', source: { $ref: './samples/not-uploaded.json' } }],
        responses: {
          '200': {
            description: 'ok',
            headers: { 'x-rate-limit': { $ref: '#/components/headers/RateLimit' } },
            content: {
              'application/json': {
                schema: { type: 'object', example: scimGroup('1') },
                examples: {
                  inline: { summary: 'inline', value: scimGroup('2') },
                  shared: { $ref: '#/components/examples/Shared' },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    headers: { RateLimit: { schema: { type: 'integer' } } },
    examples: { Shared: { value: { $ref: '#/not/a/pointer', note: 'data' } } },
  },
};

describe('parseOpenApi', () => {
  it('keeps $ref keys inside examples and x- extensions as data: neither fetched nor looked up', async () => {
    requests.length = 0;
    const { document } = await parseOpenApi(
      { kind: 'inline', text: JSON.stringify(withDataRefs) },
      { allowHosts: [] },
    );
    expect(requests).toEqual([]);
    // the data as written, key order included; the references as references
    expect(JSON.stringify(document)).toBe(JSON.stringify(withDataRefs));

    const swagger2 = {
      swagger: '2.0',
      info: { title: 'Data refs', version: '1' },
      paths: {
        '/groups': {
          get: {
            responses: {
              '200': { description: 'ok', examples: { 'application/scim+json': scimGroup('3') } },
            },
          },
        },
      },
    };
    const parsed = await parseOpenApi({ kind: 'inline', text: JSON.stringify(swagger2) }, { allowHosts: [] });
    expect(parsed.document).toEqual(swagger2);
  });

  it('still follows a reference that is not data, even beside data', async () => {
    const broken = structuredClone(withDataRefs);
    broken.components.examples = {} as typeof broken.components.examples;
    await expect(
      parseOpenApi({ kind: 'inline', text: JSON.stringify(broken) }, { allowHosts: [] }),
    ).rejects.toThrow(/Shared/);
  });

  it('places a YAML syntax error at its line and column, pasted as uploaded', async () => {
    const text = [
      'openapi: 3.0.3',
      'info:',
      '  title: Bad',
      '  version: 1.0.0',
      'paths: {}',
      '   bad: [',
      '',
    ].join('\n');
    const sources = [
      { kind: 'inline', text },
      { kind: 'files', main: 'api.yaml', files: new Map([['api.yaml', text]]) },
    ] as const;
    for (const source of sources)
      await expect(parseOpenApi(source, { allowHosts: [] })).rejects.toThrow(
        /Error parsing (definition|api)\.yaml: .* \(6:4\)/,
      );
  });

  it('never fetches a remote $ref whose host is not allow-listed', async () => {
    requests.length = 0;
    await expect(
      parseOpenApi({ kind: 'inline', text: withRemoteRef(base) }, { allowHosts: [] }),
    ).rejects.toThrow(/not allowed: its host is not in APIM_IMPORT_URL_ALLOWLIST/);
    expect(requests).toEqual([]);
  });

  it('fetches allow-listed remote $refs and URLs, and inlines them', async () => {
    const parsed = await parseOpenApi(
      { kind: 'inline', text: withRemoteRef(base) },
      { allowHosts: ['127.0.0.1'] },
    );
    expect(JSON.stringify(parsed.document)).toContain('"name":{"type":"string"}');
    const fromUrl = await parseOpenApi(
      { kind: 'url', url: `${base}/petstore.yaml` },
      { allowHosts: ['127.0.0.1'] },
    );
    expect(fromUrl.specVersion).toBe('3.0');
    await expect(
      parseOpenApi({ kind: 'url', url: `${base}/missing.yaml` }, { allowHosts: ['127.0.0.1'] }),
    ).rejects.toThrow(/404/);
  });

  it('never reads the server file system', async () => {
    for (const ref of ['/etc/passwd', 'file:///etc/passwd', '../../../etc/passwd']) {
      const text = withRemoteRef('x').replace('x/pet.json', ref);
      await expect(parseOpenApi({ kind: 'inline', text }, { allowHosts: [] })).rejects.toThrow(/etc\/passwd/);
    }
  });

  it('keeps circular references in the stored document and reads operations through path $refs', async () => {
    const parsed = await parseOpenApi({ kind: 'inline', text: PETSTORE_YAML }, { allowHosts: [] });
    expect(() => JSON.stringify(parsed.document)).not.toThrow();
    const ops = operationsOf(parsed.document);
    expect(ops).toHaveLength(5);
    expect(ops.find((o) => o.target === '/pets' && o.verb === 'GET')).toMatchObject({
      authEnabled: true,
      scopes: ['read:pets'],
    });
  });
});

/**
 * Issue 14 end to end, a deployment the gateway refuses (an APIRule rule setting the Host request
 * header, which the gateway routes by) is shown for what it is everywhere a user looks: `Error`
 * with the gateway's reason in the manifest status (REST and `apim status`) and FAILED with the
 * same reason in the publisher's deployments; the APIRule applied beside it is Ready and served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echo, listen } from './http.js';
import { MANIFESTS, startDeclarativeStack, type DeclarativeStack } from './support.js';

let stack: DeclarativeStack;
let backend: Awaited<ReturnType<typeof listen>>;
let file = '';

const apiRule = (name: string, request: string) => `apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata:
  name: ${name}
  namespace: default
spec:
  hosts: [${name}.example.com]
  service: { name: ${name}, port: ${backend.port} }
  rules:
    - path: /headers
      methods: ["GET"]
      noAuth: true
      request:
        headers:
          ${request}
`;

beforeAll(async () => {
  [stack, backend] = await Promise.all([startDeclarativeStack(), listen(echo)]);
  file = await stack.writeManifest(
    'status.yaml',
    `${apiRule('refused', 'Host: evil.example.com')}---\n${apiRule('accepted', 'X-Env: test')}`,
  );
});

afterAll(async () => {
  await stack?.close();
  await backend?.close();
});

interface Status {
  name: string;
  state: string;
  description: string | null;
  objectId: string;
}

describe('a deployment the gateway refuses', () => {
  it('apim apply ends with exit 1: Error with the reason for one, Ready for the other', async () => {
    const applied = await stack.apim('apply', '-f', file, '--wait', '30');
    expect(applied.code, applied.stderr).toBe(1);
    expect(applied.stdout).toMatch(/APIRule +default\/refused +create +Error +.*host/i);
    expect(applied.stdout).toMatch(/APIRule +default\/accepted +create +Ready/);
    expect((await stack.call('accepted.example.com', '/headers')).status).toBe(200);
  });

  it('the manifest status (REST and apim status) says Error with the gateway reason', async () => {
    const listed = await stack.rest('GET', `${MANIFESTS}?kind=APIRule`);
    expect(listed.status).toBe(200);
    const refused = (listed.json.list as Status[]).find((o) => o.name === 'default/refused');
    expect(refused).toMatchObject({ state: 'Error', description: expect.stringMatching(/refused.*host/i) });

    const status = await stack.apim('status', 'APIRule', 'default/refused');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/APIRule +default\/refused +Error +.*host/i);
    const json = await stack.apim('status', '-o', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      list: expect.arrayContaining([
        expect.objectContaining({
          name: 'default/refused',
          state: 'Error',
          description: refused?.description,
        }),
        expect.objectContaining({ name: 'default/accepted', state: 'Ready' }),
      ]),
    });
  });

  it("the publisher's deployments say FAILED with the same reason", async () => {
    const listed = await stack.rest('GET', `${MANIFESTS}?kind=APIRule&name=default/refused`);
    const [refused] = listed.json.list as Status[];
    const deployments = await stack.rest('GET', `/api/am/publisher/v4/apis/${refused!.objectId}/deployments`);
    expect(deployments.status).toBe(200);
    const [deployment] = JSON.parse(deployments.text) as Array<{
      status: string;
      statusReason: string | null;
    }>;
    expect(deployment).toMatchObject({ status: 'FAILED' });
    expect(refused!.description).toContain(deployment!.statusReason);
    const api = await stack.rest('GET', `/api/am/publisher/v4/apis/${refused!.objectId}`);
    expect(api.json.managedBy).toMatchObject({ kind: 'APIRule', name: 'default/refused', state: 'Error' });
  });
});

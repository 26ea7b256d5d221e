import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  manifestKindSchemas,
  parseManifestText,
  validateManifests,
  DEFAULT_SERVICE_URL_TEMPLATE,
} from './index.js';

const options = {
  domain: null,
  allowedDomains: [],
  blockedServices: [],
  serviceUrlTemplate: DEFAULT_SERVICE_URL_TEMPLATE,
  defaultEnvironment: 'Default',
  gateways: {},
  defaultOwner: 'alice',
  existingRoutes: [],
};

const validate = (yaml: string) => validateManifests(parseManifestText(yaml, 'shop.yaml').documents, options);

describe('the product kinds (apim.io/v1)', () => {
  it('makes each kind an object with its identity, its name and the defaults its meaning needs', () => {
    const { objects, problems } = validate(`
apiVersion: apim.io/v1
kind: Environment
metadata: { name: Edge, labels: { team: shop } }
spec: { displayName: Edge, vhosts: [{ host: edge.example.com }] }
---
apiVersion: apim.io/v1
kind: KeyManager
metadata: { name: Keycloak }
spec: { type: Keycloak, issuer: https://kc.example.com/realms/shop, audience: account, introspectionClientSecret: s3cret-value }
---
apiVersion: apim.io/v1
kind: ThrottlingPolicy
metadata: { name: Gold100 }
spec: { policyType: subscription, defaultLimit: { type: REQUESTCOUNTLIMIT, requestCount: { timeUnit: min, unitTime: 1, requestCount: 100 } } }
---
apiVersion: apim.io/v1
kind: API
metadata: { name: Orders }
spec:
  version: 1.0.0
  context: /orders
  endpointConfig: { endpoint_type: http, production_endpoints: { url: "http://orders:8080" } }
  operations: [{ target: /orders, verb: GET }]
---
apiVersion: apim.io/v1
kind: Application
metadata: { name: ShopApp }
spec: { throttlingPolicy: Unlimited, keys: [{ keyType: PRODUCTION, grantTypes: [client_credentials] }] }
---
apiVersion: apim.io/v1
kind: Subscription
spec: { application: { name: ShopApp }, api: { name: Orders, version: 1.0.0 }, throttlingPolicy: Gold100 }
`);
    expect(problems).toEqual([]);
    expect(objects.map((o) => `${o.manifest.kind} ${o.manifest.name} -> ${o.target.kind}`)).toEqual([
      'Environment Edge -> Environment',
      'KeyManager Keycloak -> KeyManager',
      'ThrottlingPolicy subscription/Gold100 -> ThrottlingPolicy',
      'API Orders:1.0.0 -> API',
      'Application alice/ShopApp -> Application',
      'Subscription alice/ShopApp@Orders:1.0.0 -> Subscription',
    ]);
    expect(objects[0]?.labels).toEqual({ team: 'shop' });
    expect(objects[2]?.target.spec).toMatchObject({ policyName: 'Gold100', policyType: 'subscription' });
    expect(objects[3]?.target.spec).toMatchObject({
      name: 'Orders',
      lifecycleStatus: 'CREATED',
      deployments: [],
    });
    expect(objects[4]?.target.spec).toMatchObject({
      name: 'ShopApp',
      owner: 'alice',
      keys: [{ keyType: 'PRODUCTION' }],
    });
    expect(objects[5]?.target.spec).toEqual({
      application: { name: 'ShopApp', owner: 'alice' },
      api: { name: 'Orders', version: '1.0.0' },
      throttlingPolicy: 'Gold100',
    });
  });

  it("words the REST resource's checks for the field as the manifest spells it", () => {
    const { problems } = validate(`
apiVersion: apim.io/v1
kind: API
metadata: { name: Orders }
spec: { version: 1.0.0, context: orders, cacheTimeout: 0, maxTps: 5, visibility: OPEN, lifeCycleStatus: PUBLISHED }
`);
    expect(problems.map((p) => `${p.pointer}: ${p.message}`)).toEqual([
      expect.stringMatching(
        /^\/spec\/lifeCycleStatus: lifeCycleStatus is not a known field \(known fields: description, context, version, .*lifecycleStatus, deployments\)$/,
      ),
      '/spec/context: context must be a path such as /orders/v1: segments of letters, digits and _ . ~ -',
      '/spec/maxTps: maxTps must be a mapping or null',
      '/spec/visibility: visibility must be one of: PUBLIC, PRIVATE, RESTRICTED',
      '/spec/cacheTimeout: cacheTimeout must be at least 1',
    ]);
  });

  it('refuses a definitionFile the REST API cannot read, and an unknown kind', () => {
    expect(
      validate(
        'apiVersion: apim.io/v1\nkind: API\nmetadata: { name: A }\nspec: { version: v1, context: /a, definitionFile: a.yaml }\n',
      ).problems[0]?.message,
    ).toBe(
      'definitionFile is read by the apim CLI: apply the file with it, or give the definition inline as definition',
    );
    expect(
      validate('apiVersion: apim.io/v1\nkind: Gateway\nmetadata: { name: A }\n').problems[0],
    ).toMatchObject({
      pointer: '/kind',
      message: expect.stringMatching(
        /^apim.io\/v1 Gateway is not a kind this product knows; known: gateway.kyma-project.io\/v2 APIRule, /,
      ),
    });
  });

  it('publishes self-contained JSON Schemas that compile', () => {
    expect(Object.keys(manifestKindSchemas).sort()).toEqual([
      'apim.io/v1/API',
      'apim.io/v1/Application',
      'apim.io/v1/Environment',
      'apim.io/v1/KeyManager',
      'apim.io/v1/Subscription',
      'apim.io/v1/ThrottlingPolicy',
      'gateway.kyma-project.io/v1beta1/APIRule',
      'gateway.kyma-project.io/v2/APIRule',
    ]);
    for (const schema of Object.values(manifestKindSchemas)) {
      expect(JSON.stringify(schema)).not.toContain('#/components/');
      expect(() => new Ajv2020({ strict: false, validateFormats: false }).compile(schema)).not.toThrow();
    }
  });
});

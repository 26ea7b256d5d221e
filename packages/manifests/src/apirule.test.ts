import { describe, expect, it } from 'vitest';
import {
  parseManifestText,
  validateManifests,
  DEFAULT_SERVICE_URL_TEMPLATE,
  type ManifestOptions,
  type ApiSpec,
} from './index.js';

const options: ManifestOptions = {
  domain: 'local.kyma.dev',
  allowedDomains: ['local.kyma.dev', 'example.com'],
  blockedServices: ['kubernetes.default', 'control-plane.apim'],
  serviceUrlTemplate: DEFAULT_SERVICE_URL_TEMPLATE,
  defaultEnvironment: 'Default',
  gateways: { 'test/custom-gateway': 'Custom' },
  defaultOwner: 'admin',
  existingRoutes: [],
};

function validate(yaml: string, given: Partial<ManifestOptions> = {}) {
  const parsed = parseManifestText(yaml, 'rules.yaml');
  expect(parsed.problems).toEqual([]);
  return validateManifests(parsed.documents, { ...options, ...given });
}

function apiOf(yaml: string): ApiSpec {
  const { objects, problems } = validate(yaml);
  expect(problems).toEqual([]);
  const target = objects[0]?.target;
  if (target?.kind !== 'API') throw new Error('not an API');
  return target.spec;
}

const messages = (yaml: string, given: Partial<ManifestOptions> = {}) =>
  validate(yaml, given).problems.map((p) => `${p.pointer}: ${p.message}`);

const httpbin = (rules: string, extra = '') => `
apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata:
  name: httpbin
  namespace: default
spec:
  hosts:
    - httpbin
  service:
    name: httpbin
    namespace: default
    port: 8000
  gateway: kyma-system/kyma-gateway
${extra}  rules:
${rules}`;

describe('APIRule v2 -> API', () => {
  it('exposes httpbin without authentication on its host at the root path (Kyma noAuth example)', () => {
    const parsed = validate(httpbin('    - path: /*\n      methods: ["GET"]\n      noAuth: true\n'));
    expect(parsed.objects[0]?.manifest).toEqual({
      apiVersion: 'gateway.kyma-project.io/v2',
      kind: 'APIRule',
      name: 'default/httpbin',
    });
    expect(parsed.objects[0]?.source).toEqual({ file: 'rules.yaml', index: 0 });
    expect(parsed.objects[0]?.target).toEqual({
      kind: 'API',
      spec: {
        name: 'default-httpbin',
        version: 'v2',
        context: '/apirule/default/httpbin',
        description: 'Exposed by the Kyma APIRule default/httpbin',
        hosts: ['httpbin.local.kyma.dev'],
        endpointConfig: {
          endpoint_type: 'http',
          production_endpoints: { url: 'http://httpbin.default.svc.cluster.local:8000' },
          endpointTimeoutMs: 180_000,
        },
        corsConfiguration: {
          corsConfigurationEnabled: false,
          accessControlAllowOrigins: [],
          accessControlAllowCredentials: false,
          accessControlAllowHeaders: [],
          accessControlAllowMethods: [],
          removeBackendCorsHeaders: true,
        },
        securityScheme: ['oauth2'],
        policies: ['Unlimited'],
        operations: [
          {
            target: '/*',
            verb: 'GET',
            authType: 'None',
            rule: { access: { strategy: 'noAuth' }, timeoutMs: 180_000 },
          },
        ],
        lifecycleStatus: 'CREATED',
        deployments: [{ environment: 'Default', vhost: 'httpbin.local.kyma.dev' }],
      },
    });
  });

  it('secures a rule with a JWT from an external issuer, on the environment of its gateway', () => {
    const api = apiOf(`
apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata: { name: httpbin-tls, namespace: test }
spec:
  gateway: test/custom-gateway
  hosts: [httpbin.example.com]
  rules:
    - jwt:
        authentications:
          - issuer: https://issuer.example.com
            jwksUri: https://issuer.example.com/.well-known/jwks.json
            fromHeaders: [{ name: X-Token, prefix: "Bearer " }]
        authorizations:
          - requiredScopes: [read]
            audiences: [httpbin]
      methods: [GET]
      path: /*
  service: { name: httpbin, namespace: test, port: 8000 }
`);
    expect(api.deployments).toEqual([{ environment: 'Custom', vhost: 'httpbin.example.com' }]);
    expect(api.operations?.[0]?.rule?.access).toEqual({
      strategy: 'jwt',
      jwt: {
        authentications: [
          {
            issuer: 'https://issuer.example.com',
            jwksUri: 'https://issuer.example.com/.well-known/jwks.json',
            fromHeaders: [{ name: 'X-Token', prefix: 'Bearer ' }],
          },
        ],
        authorizations: [{ requiredScopes: ['read'], audiences: ['httpbin'] }],
      },
    });
  });

  it('names external authorizers (extAuth) with JWT restrictions', () => {
    const api = apiOf(
      httpbin(`    - path: /*
      methods: ["GET"]
      extAuth:
        authorizers: [oauth2-proxy]
        restrictions:
          authentications:
            - issuer: https://issuer.example.com
              jwksUri: https://issuer.example.com/jwks
`),
    );
    expect(api.operations?.[0]?.rule?.access).toEqual({
      strategy: 'extAuth',
      authorizers: ['oauth2-proxy'],
      restrictions: {
        authentications: [
          { issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks' },
        ],
      },
    });
  });

  it('gives each rule its own service, timeout and request headers and cookies; no methods: every method', () => {
    const api = apiOf(`
apiVersion: gateway.kyma-project.io/v2
kind: APIRule
metadata: { name: shop }
spec:
  hosts: [shop.local.kyma.dev]
  timeout: 900
  rules:
    - path: /orders/{*}
      methods: [GET, POST]
      noAuth: true
      service: { name: orders, port: 80 }
      timeout: 30
      request:
        headers: { X-Tenant: acme }
        cookies: { region: eu }
    - path: /{**}
      noAuth: true
      service: { name: web, namespace: frontend, port: 8080 }
`);
    expect(api.endpointConfig).toEqual({
      endpoint_type: 'http',
      production_endpoints: { url: 'http://orders.default.svc.cluster.local:80' },
      endpointTimeoutMs: 600_000,
    });
    expect(api.operations?.map((o) => `${o.verb} ${o.target}`)).toEqual([
      'GET /orders/{*}',
      'POST /orders/{*}',
      ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => `${m} /{**}`),
    ]);
    expect(api.operations?.[0]?.rule).toEqual({
      access: { strategy: 'noAuth' },
      service: { url: 'http://orders.default.svc.cluster.local:80' },
      timeoutMs: 30_000,
      request: { headers: { 'X-Tenant': 'acme' }, cookies: { region: 'eu' } },
    });
    expect(api.operations?.[2]?.rule).toEqual({
      access: { strategy: 'noAuth' },
      service: { url: 'http://web.frontend.svc.cluster.local:8080' },
      timeoutMs: 900_000,
    });
  });

  it("translates corsPolicy, with a regex origin, into CORS matchers, the backend's CORS headers removed", () => {
    const api = apiOf(
      httpbin(
        '    - path: /*\n      methods: [GET]\n      noAuth: true\n',
        `  corsPolicy:
    allowOrigins:
      - regex: ^https://.*\\.example\\.com$
      - exact: https://app.example.org
    allowMethods: [GET, POST]
    allowHeaders: [Authorization]
    exposeHeaders: [X-Request-Id]
    allowCredentials: true
    maxAge: 600
`,
      ),
    );
    expect(api.corsConfiguration).toEqual({
      corsConfigurationEnabled: true,
      accessControlAllowOrigins: [],
      accessControlAllowOriginMatchers: [
        { regex: '^https://.*\\.example\\.com$' },
        { exact: 'https://app.example.org' },
      ],
      accessControlAllowCredentials: true,
      accessControlAllowHeaders: ['Authorization'],
      accessControlAllowMethods: ['GET', 'POST'],
      accessControlExposeHeaders: ['X-Request-Id'],
      accessControlMaxAge: 600,
      removeBackendCorsHeaders: true,
    });
  });

  it('fits a long name into the API name and context, keeping them unique', () => {
    const long = 'a'.repeat(80);
    const api = apiOf(
      httpbin('    - path: /*\n      noAuth: true\n').replace(
        'name: httpbin\n  namespace',
        `name: ${long}\n  namespace`,
      ),
    );
    expect(api.name).toHaveLength(60);
    expect(api.name).toMatch(/^default-a+-[0-9a-f]{8}$/);
    expect(api.context).toBe(`/apirule/default/${long}`);
  });
});

describe("APIRule v2: Kyma's rules, with a problem a person can act on", () => {
  it('refuses a rule with no or two access strategies', () => {
    expect(
      messages(
        httpbin(
          '    - path: /a\n      noAuth: false\n    - path: /b\n      noAuth: true\n      extAuth: { authorizers: [x] }\n',
        ),
      ),
    ).toEqual([
      '/spec/rules/0: a rule needs exactly one access strategy: noAuth: true, jwt or extAuth',
      '/spec/rules/1: a rule needs exactly one access strategy: noAuth: true, jwt or extAuth',
    ]);
  });

  it('refuses a JWT rule without authentications, and an empty authorizations list', () => {
    expect(messages(httpbin('    - path: /a\n      jwt: { authorizations: [] }\n'))).toEqual([
      '/spec/rules/0/jwt/authentications: a JWT configuration needs at least one authentication (issuer and jwksUri)',
      '/spec/rules/0/jwt/authorizations: authorizations is given but empty: remove it, or list at least one',
    ]);
  });

  it('refuses {**} before another operator, and a rule shadowed by an earlier one (Kyma ordering example)', () => {
    expect(messages(httpbin('    - path: /a/{**}/{*}\n      noAuth: true\n'))).toEqual([
      '/spec/rules/0/path: the {**} operator must be the last operator in the path',
    ]);
    expect(
      messages(
        httpbin(`    - path: /anything/{**}
      methods: [POST, GET]
      noAuth: true
    - path: /anything/{*}/one
      methods: [POST]
      noAuth: true
`),
      ),
    ).toEqual([
      '/spec/rules/1/path: path /anything/{*}/one with POST is already matched by an earlier rule: put the more specific rule first',
    ]);
    // the specific rule first is fine
    expect(
      messages(
        httpbin(`    - path: /anything/{*}/one
      methods: [POST]
      noAuth: true
    - path: /anything/{**}
      methods: [POST, GET]
      noAuth: true
`),
      ),
    ).toEqual([]);
  });

  it('refuses hosts outside the allowed domains, short names without a domain, blocked services, unknown gateways', () => {
    const rule = '    - path: /*\n      noAuth: true\n';
    expect(messages(httpbin(rule).replace('- httpbin\n', '- httpbin.evil.com\n'))).toEqual([
      '/spec/hosts/0: httpbin.evil.com is not in an allowed domain (local.kyma.dev, example.com)',
    ]);
    expect(messages(httpbin(rule), { domain: null })[0]).toMatch(
      /^\/spec\/hosts\/0: httpbin is a short host name, and no default domain is set/,
    );
    expect(
      messages(
        httpbin(rule).replace(
          'name: httpbin\n    namespace: default',
          'name: kubernetes\n    namespace: default',
        ),
      ),
    ).toEqual(['/spec/service/name: service kubernetes in namespace default may not be exposed (blocked)']);
    expect(messages(httpbin(rule).replace('kyma-system/kyma-gateway', 'other/gateway'))).toEqual([
      '/spec/gateway: no environment serves the Kyma gateway other/gateway (known gateways: kyma-system/kyma-gateway, test/custom-gateway; see APIM_APIRULE_GATEWAYS)',
    ]);
  });

  it('says what the schema refuses in sentences naming the field', () => {
    expect(
      messages(httpbin('    - path: /a\n      noAuth: true\n      timeout: 4000\n      method: [GET]\n')),
    ).toEqual([
      '/spec/rules/0/method: method is not a known field (known fields: path, service, methods, noAuth, jwt, extAuth, timeout, request)',
      '/spec/rules/0/timeout: timeout must be at most 3900',
    ]);
    expect(messages(httpbin('    - path: /a/*\n      methods: [CONNECT]\n      noAuth: true\n'))).toEqual([
      '/spec/rules/0/path: path must be a path of URL characters and {*} or {**} segments, or /* (e.g. /headers, /users/{*}, /{**})',
    ]);
    expect(messages(httpbin('    - path: /a\n      methods: [CONNECT]\n      noAuth: true\n'))).toEqual([
      '/spec/rules/0/methods/0: CONNECT is not served by the gateway (it serves GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS)',
    ]);
    expect(
      messages(
        'apiVersion: gateway.kyma-project.io/v2\nkind: APIRule\nmetadata: { name: x }\nspec: { hosts: [x] }\n',
      ),
    ).toEqual(['/spec/rules: rules is required']);
  });

  it('refuses a rule without a service when the APIRule has none', () => {
    expect(
      messages(httpbin('    - path: /a\n      noAuth: true\n').replace(/ {2}service:\n( {4}.*\n){3}/, '')),
    ).toEqual(['/spec/rules/0/service: the rule must name a service, because spec.service is not set']);
  });
});

describe('APIRule v1beta1, converted as Kyma converts it', () => {
  it('converts the Istio JWT example with header and cookie mutators, the old gateway name and a duration maxAge', () => {
    const { objects, problems } = validate(`
apiVersion: gateway.kyma-project.io/v1beta1
kind: APIRule
metadata: { name: istio-service, namespace: default, labels: { app: istio-service } }
spec:
  host: istio.example.com
  gateway: kyma-gateway.kyma-system.svc.cluster.local
  corsPolicy: { allowOrigins: [{ prefix: "https://" }], maxAge: 5m }
  rules:
    - path: /headers
      service: { name: orders-service, port: 80 }
      methods: ["GET", "POST"]
      mutators:
        - handler: header
          config: { headers: { X-Some-Data: some-data } }
        - handler: cookie
          config: { cookies: { some-data: data } }
      accessStrategies:
        - handler: jwt
          config:
            authentications:
              - issuer: https://example.com/
                jwksUri: https://example.com/.well-known/jwks.json
            authorizations:
              - requiredScopes: ["a", "b"]
                audiences: ["audA"]
    - path: /ory/{**}
      service: { name: orders-service, port: 80 }
      methods: ["GET"]
      accessStrategies:
        - handler: jwt
          config: { trusted_issuers: ["https://ory.example.com"], jwks_urls: ["https://ory.example.com/jwks"], required_scope: [read] }
    - path: /open
      service: { name: orders-service, port: 80 }
      methods: ["GET"]
      accessStrategies: [{ handler: no_auth }]
`);
    expect(problems).toEqual([]);
    const object = objects[0];
    expect(object?.manifest).toEqual({
      apiVersion: 'gateway.kyma-project.io/v1beta1',
      kind: 'APIRule',
      name: 'default/istio-service',
    });
    expect(object?.labels).toEqual({ app: 'istio-service' });
    if (object?.target.kind !== 'API') throw new Error('not an API');
    const api = object.target.spec;
    expect(api.deployments).toEqual([{ environment: 'Default', vhost: 'istio.example.com' }]);
    expect(api.corsConfiguration?.accessControlMaxAge).toBe(300);
    expect(api.operations?.map((o) => [o.verb, o.target, o.rule?.access.strategy])).toEqual([
      ['GET', '/headers', 'jwt'],
      ['POST', '/headers', 'jwt'],
      ['GET', '/ory/{**}', 'jwt'],
      ['GET', '/open', 'noAuth'],
    ]);
    expect(api.operations?.[0]?.rule?.request).toEqual({
      headers: { 'X-Some-Data': 'some-data' },
      cookies: { 'some-data': 'data' },
    });
    expect(api.operations?.[2]?.rule?.access).toEqual({
      strategy: 'jwt',
      jwt: {
        authentications: [{ issuer: 'https://ory.example.com', jwksUri: 'https://ory.example.com/jwks' }],
        authorizations: [{ requiredScopes: ['read'] }],
      },
    });
  });

  it('says which rules Kyma cannot convert (a regex path, an Oathkeeper handler) and why', () => {
    expect(
      messages(`
apiVersion: gateway.kyma-project.io/v1beta1
kind: APIRule
metadata: { name: orders-service-v1beta1, namespace: default }
spec:
  host: v1beta1.example.com
  gateway: kyma-system/kyma-gateway
  rules:
    - path: /.*
      service: { name: orders-service, port: 80 }
      methods: ["GET","POST"]
      accessStrategies:
        - handler: noop
      mutators: []
`),
    ).toEqual([
      '/spec/rules/0/path: path /.* is a v1beta1 regular expression Kyma does not convert: write it as a v2 path (/.* is /*, /foo/.* is /foo/{**})',
      '/spec/rules/0/accessStrategies/0/handler: noop has no v2 equivalent Kyma converts (only no_auth and jwt): write this rule in v2 (allow and noop as noAuth: true, oauth2_introspection as extAuth)',
    ]);
  });

  it('reports problems found after conversion where they are in the v1beta1 document', () => {
    expect(
      messages(`
apiVersion: gateway.kyma-project.io/v1beta1
kind: APIRule
metadata: { name: two, namespace: default }
spec:
  host: two.evil.com
  rules:
    - path: /a
      service: { name: s, port: 80 }
      methods: [GET]
      accessStrategies: [{ handler: no_auth }, { handler: jwt, config: { trusted_issuers: [https://i], jwks_urls: [https://i/jwks] } }]
`),
    ).toEqual([
      '/spec/host: two.evil.com is not in an allowed domain (local.kyma.dev, example.com)',
      '/spec/rules/0: a rule needs exactly one access strategy: noAuth: true, jwt or extAuth',
    ]);
  });
});

describe('between documents', () => {
  const rule = (name: string, path: string) =>
    httpbin(`    - path: ${path}\n      noAuth: true\n`).replace(
      'name: httpbin\n  namespace',
      `name: ${name}\n  namespace`,
    );

  it('refuses one object declared twice and two APIRules exposing one host and path', () => {
    const { problems, objects } = validate(
      [rule('a', '/x'), rule('a', '/y'), rule('b', '/x'), rule('c', '/z')].join('---\n'),
    );
    expect(objects).toHaveLength(4);
    expect(problems).toEqual([
      {
        file: 'rules.yaml',
        document: 1,
        pointer: '/metadata/name',
        message: 'APIRule default/a is declared twice (also in rules.yaml#0)',
      },
      {
        file: 'rules.yaml',
        document: 2,
        pointer: '/spec/rules/0/path',
        message:
          'httpbin.local.kyma.dev/x is already exposed by APIRule default/a (rules.yaml#0): one APIRule per host and path',
      },
    ]);
  });

  it('refuses a host and path another APIRule applied before holds, unless that APIRule is applied again', () => {
    const existingRoutes = [{ host: 'httpbin.local.kyma.dev', path: '/x', owner: 'default/old' }];
    expect(messages(rule('new', '/x'), { existingRoutes })).toEqual([
      '/spec/rules/0/path: httpbin.local.kyma.dev/x is already exposed by APIRule default/old, applied before: one APIRule per host and path',
    ]);
    expect(messages(rule('old', '/x'), { existingRoutes })).toEqual([]);
    expect(messages([rule('old', '/y'), rule('new', '/x')].join('---\n'), { existingRoutes })).toEqual([]);
  });
});

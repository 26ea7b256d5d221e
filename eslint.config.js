import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Apps stand on packages only: an app's source never imports another app, and a package never
 * imports an app (packages/stack starts the apps as processes, importing none of them). Tests, and
 * the test support they share, may start another app for real through its `/testing` entry point.
 */
const APPS = ['gateway', 'control-plane', 'key-manager', 'console'];
const TEST_FILES = [
  '**/*.test.ts',
  '**/*.test.tsx',
  'test-support/**',
  'test-helpers/**',
  'testing.ts',
  'test-support.ts',
];
/** Imports of any of `apps`, with or without a subpath; `except` a subpath allowed (`/testing`). */
const importOf = (apps, except) => `^@apim/(${apps.join('|')})${except ? `(?!/${except}$)` : ''}(/.*)?$`;
const restrict = (regex, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ regex, message }] }],
});
const othersThan = (app) => APPS.filter((other) => other !== app);

const boundaries = [
  ...APPS.map((app) => ({
    files: [`apps/${app}/**`],
    rules: restrict(
      importOf(othersThan(app)),
      'An app imports packages only, never another app: move what both need into packages/.',
    ),
  })),
  ...APPS.map((app) => ({
    files: TEST_FILES.map((pattern) => `apps/${app}/src/${pattern}`),
    rules: restrict(
      importOf(othersThan(app), 'testing'),
      "Tests start another app through its '/testing' entry point only.",
    ),
  })),
  {
    files: ['packages/**'],
    rules: restrict(importOf(APPS), 'A package never imports an app.'),
  },
  {
    // the end-to-end tests start the apps as their users do: through their '/testing' entry points
    files: ['test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: importOf(APPS, 'testing'),
              message: "Tests start an app through its '/testing' entry point only.",
            },
            {
              regex: '^(\\.\\./)+apps/',
              message: "Reach an app through its '/testing' entry point, not its files.",
            },
          ],
        },
      ],
    },
  },
];

/**
 * The control plane writes what a gateway must know through src/model/gateway-writes.ts only,
 * which appends the gateway event with the row in the same transaction: its source neither writes
 * the rows gateways see (`tx.subscription.update(...)`, `prisma.denyPolicy.create(...)`...; the
 * API's lifecycle status and default version) nor appends gateway events itself.
 */
const GATEWAY_MODELS = [
  'subscription',
  'application',
  'applicationKey',
  'throttlingPolicy',
  'conditionalGroup',
  'denyPolicy',
  'trustedIssuer',
  'externalAuthorizer',
  'revisionDeployment',
];
const WRITES = [
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
];
const USE_GATEWAY_WRITES =
  'A write a gateway must know goes through gatewayWrites (src/model/gateway-writes.ts), which appends its gateway event in the same transaction.';
const gatewayWrites = {
  files: ['apps/control-plane/src/**'],
  ignores: [
    'apps/control-plane/src/model/gateway-writes.ts',
    ...TEST_FILES.map((pattern) => `apps/control-plane/src/${pattern}`),
  ],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        // <anything>.<gateway model>.<write>(...), except gatewayWrites.<entity>.<write>(...)
        selector: `CallExpression[callee.type='MemberExpression'][callee.property.name=/^(${WRITES.join('|')})$/][callee.object.type='MemberExpression'][callee.object.property.name=/^(${GATEWAY_MODELS.join('|')})$/]:not([callee.object.object.name='gatewayWrites'])`,
        message: USE_GATEWAY_WRITES,
      },
      {
        // an API's lifecycle status and default version are in the gateways' view of it
        selector: `CallExpression[callee.property.name=/^(update|updateMany|upsert)$/][callee.object.property.name='api'] Property[key.name=/^(lifecycleStatus|isDefaultVersion)$/]`,
        message: USE_GATEWAY_WRITES,
      },
      {
        selector: `ImportSpecifier[imported.name='appendGatewayEvent']`,
        message: USE_GATEWAY_WRITES,
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'packages/db/src/generated/**',
      'apps/console/build/**',
      '.data/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['apps/console/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...boundaries,
  gatewayWrites,
);

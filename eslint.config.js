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
];

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
);

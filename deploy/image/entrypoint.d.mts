// Types of entrypoint.mjs's tables, for the tests that check the deployment files against them.
export declare const apps: Record<
  'gateway' | 'key-manager' | 'control-plane',
  { main: string; port: [variable: string, fallback: number] }
>;
export declare const jobs: Record<'migrate', string[]>;
export declare const generatedSecrets: Record<string, { file: string; make: () => string }>;

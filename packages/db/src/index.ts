export * from './client.js';
export { isDatabaseUnavailable } from './unavailable.js';
export * from './migrate.js';
export * from './events.js';
export * from './seed.js';
export { repoRoot, migrationsDir, schemaPath } from './paths.js';
export { checkSchemaMatchesDatabase } from './schema-check.js';

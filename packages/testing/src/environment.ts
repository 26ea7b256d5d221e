/** What the global setup hands every test file (through vitest's provide/inject). */
export interface TestEnvironment {
  /** URL of the server's `postgres` database, for creating and dropping test databases */
  serverUrl: string;
  /** migrated and seeded template every test database is cloned from */
  templateDb: string;
  /** unique per `npm test` run: prefixes Redis keys and database names */
  runId: string;
  redisUrl: string;
}

/** Password of the seeded `admin` user in every test database. */
export const TEST_ADMIN_PASSWORD = 'admin-test-password';

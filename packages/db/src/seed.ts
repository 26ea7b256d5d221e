/**
 * Idempotent seed: built-in roles and REST scopes, the admin user, WSO2's default throttling
 * policies, the default gateway environment and default settings. Existing rows are left as they
 * are (an admin may have changed them); only what is missing is created.
 */
import { DefaultPolicies, RoleScopes, Roles, type RoleName } from '@apim/contracts';
import { hashPassword } from '@apim/service';
import type { PrismaClient, TransactionClient } from './client.js';

export interface SeedOptions {
  adminUsername?: string;
  adminPassword: string;
  /** host:port pairs gateways listen on, for the default environment's vhost */
  gatewayHost?: string;
  gatewayHttpPort?: number;
  /** the gateways' HTTPS port when they have a TLS listener; unset: no HTTPS URL is advertised */
  gatewayHttpsPort?: number;
}

export interface SeedResult {
  adminCreated: boolean;
  policiesCreated: number;
}

export const DEFAULT_ENVIRONMENT = 'Default';

export const DefaultSettings: Record<string, unknown> = {
  selfSignUp: { enabled: true, roles: [Roles.subscriber] },
  workflows: { APPLICATION_CREATION: false, SUBSCRIPTION_CREATION: false, SUBSCRIPTION_UPDATE: false },
};

/**
 * A few dozen statements run once per start, given a minute: Prisma's 5 s default failed the tests'
 * global setup on a busy machine (several suites starting at once).
 */
const longTransaction = <T>(prisma: PrismaClient, fn: (tx: TransactionClient) => Promise<T>) =>
  prisma.$transaction(fn, { timeout: 60_000, maxWait: 60_000 });

export async function seed(prisma: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  const adminUsername = options.adminUsername ?? 'admin';
  const passwordHash = await hashPassword(options.adminPassword);
  return longTransaction(prisma, async (tx) => {
    for (const name of Object.values(Roles)) {
      await tx.role.upsert({ where: { name }, create: { name, builtIn: true }, update: {} });
    }
    const scopeRoles = new Map<string, RoleName[]>();
    for (const [role, scopes] of Object.entries(RoleScopes) as [RoleName, readonly string[]][]) {
      for (const s of scopes) scopeRoles.set(s, [...(scopeRoles.get(s) ?? []), role]);
    }
    for (const [name, roles] of scopeRoles) {
      await tx.scope.upsert({ where: { name }, create: { name, displayName: name, roles }, update: {} });
    }

    const existingAdmin = await tx.user.findUnique({ where: { username: adminUsername } });
    if (!existingAdmin) {
      await tx.user.create({
        data: {
          username: adminUsername,
          displayName: 'Administrator',
          passwordHash,
          roles: { create: Object.values(Roles).map((roleName) => ({ roleName })) },
        },
      });
    }

    let policiesCreated = 0;
    for (const p of DefaultPolicies) {
      const found = await tx.throttlingPolicy.findUnique({
        where: { type_name: { type: p.type, name: p.name } },
      });
      if (found) continue;
      await tx.throttlingPolicy.create({
        data: {
          type: p.type,
          name: p.name,
          displayName: p.name,
          description: p.description,
          quotaType: p.quotaType,
          requestCount: p.requestCount,
          unitTime: p.unitTime,
          timeUnit: p.timeUnit,
          stopOnQuotaReach: p.stopOnQuotaReach,
          builtIn: true,
        },
      });
      policiesCreated++;
    }

    // Only the listeners the gateways have: the developer portal shows these URLs to callers.
    const vhosts = [
      {
        host: options.gatewayHost ?? 'localhost',
        httpContext: '',
        httpPort: options.gatewayHttpPort ?? 8280,
        ...(options.gatewayHttpsPort !== undefined ? { httpsPort: options.gatewayHttpsPort } : {}),
      },
    ];
    await tx.gatewayEnvironment.upsert({
      where: { name: DEFAULT_ENVIRONMENT },
      create: {
        name: DEFAULT_ENVIRONMENT,
        displayName: 'Default',
        description: 'The gateways started with this installation',
        type: 'hybrid',
        vhosts,
        isReadOnly: true,
      },
      // read-only: it follows the installation's settings when they are given (a start), so a
      // port changed since, or TLS turned off, is not advertised any more
      update: options.gatewayHttpPort !== undefined ? { vhosts } : {},
    });

    for (const [key, value] of Object.entries(DefaultSettings)) {
      await tx.systemSetting.upsert({ where: { key }, create: { key, value: value as object }, update: {} });
    }
    return { adminCreated: !existingAdmin, policiesCreated };
  });
}

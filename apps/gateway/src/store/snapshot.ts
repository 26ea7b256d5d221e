import type { PrismaClient } from '@apim/db';
import type { Snapshot } from './state.js';
import { apiView, denyPolicyView, issuerView, policyView } from './views.js';

/**
 * Reads everything this environment's gateways need in one REPEATABLE READ transaction, together
 * with the id of the last event it includes, so that applying the events after that id is exact.
 */
export async function loadSnapshot(prisma: PrismaClient, environment: string): Promise<Snapshot> {
  return prisma.$transaction(
    async (tx) => {
      const last = await tx.gatewayEvent.aggregate({ _max: { id: true } });
      const env = await tx.gatewayEnvironment.findUnique({ where: { name: environment } });
      const deployments = await tx.revisionDeployment.findMany({
        where: { environment: { name: environment } },
        include: { revision: true, api: true, environment: true },
      });
      // One connection runs the transaction, so its queries go one after another.
      const applications = await tx.application.findMany({
        include: { owner: { select: { username: true } } },
      });
      const keys = await tx.applicationKey.findMany({
        select: { consumerKey: true, applicationId: true, keyType: true },
      });
      const subscriptions = await tx.subscription.findMany();
      const policies = await tx.throttlingPolicy.findMany({ include: { conditionalGroups: true } });
      const denyPolicies = await tx.denyPolicy.findMany();
      const issuers = await tx.trustedIssuer.findMany();
      const revokedTokens = await tx.revokedToken.findMany({ where: { expiresAt: { gt: new Date() } } });
      const revokedClients = await tx.revokedClient.findMany();
      const vhosts = Array.isArray(env?.vhosts)
        ? (env.vhosts as Array<{ host?: unknown }>).flatMap((v) =>
            typeof v.host === 'string' ? [v.host] : [],
          )
        : [];
      return {
        lastEventId: last._max.id ?? 0n,
        vhosts,
        apis: deployments.map(apiView),
        applications: applications.map((a) => ({
          id: a.id,
          name: a.name,
          ownerId: a.ownerId,
          ownerName: a.owner.username,
          throttlingPolicy: a.throttlingPolicy,
          tokenType: a.tokenType,
          status: a.status,
        })),
        keyMappings: keys,
        subscriptions: subscriptions.map((s) => ({
          id: s.id,
          applicationId: s.applicationId,
          apiId: s.apiId,
          throttlingPolicy: s.throttlingPolicy,
          status: s.status,
        })),
        policies: policies.map(policyView),
        denyPolicies: denyPolicies.map(denyPolicyView),
        issuers: issuers.map(issuerView),
        revokedTokens: revokedTokens.map((t) => ({ jti: t.jti, expiresAt: t.expiresAt })),
        revokedClients,
      };
    },
    { isolationLevel: 'RepeatableRead', timeout: 120_000, maxWait: 30_000 },
  );
}

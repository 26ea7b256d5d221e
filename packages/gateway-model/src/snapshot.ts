/**
 * The snapshot a gateway starts from (and reloads after a gap in the event log): everything a
 * gateway of one environment holds, built with the same row -> view functions the control plane
 * writes event payloads with.
 */
import type {
  ApiSnapshot,
  GatewayApi,
  GatewayApplication,
  GatewayAuthorizer,
  GatewayDenyPolicy,
  GatewayIssuer,
  GatewayKeyMapping,
  GatewayPolicy,
  GatewaySubscription,
} from '@apim/contracts';
import type { Prisma, PrismaClient } from '@apim/db';
import {
  gatewayApi,
  gatewayApplication,
  gatewayAuthorizer,
  gatewayDenyPolicy,
  gatewayIssuer,
  gatewayKeyMapping,
  gatewayPolicy,
  gatewaySubscription,
} from './views.js';

/** Everything a gateway of one environment holds, as of event `lastEventId` (apply the events after it). */
export interface GatewaySnapshot {
  lastEventId: bigint;
  /** the APIs deployed to the environment */
  apis: GatewayApi[];
  applications: GatewayApplication[];
  keyMappings: GatewayKeyMapping[];
  subscriptions: GatewaySubscription[];
  policies: GatewayPolicy[];
  denyPolicies: GatewayDenyPolicy[];
  issuers: GatewayIssuer[];
  /** the external authorizers rules may name (extAuth) */
  authorizers: GatewayAuthorizer[];
  /** revoked tokens not expired yet */
  revokedTokens: Array<{ jti: string; expiresAt: Date }>;
  /** clients whose tokens issued before `revokedBefore` are revoked */
  revokedClients: Array<{ clientId: string; revokedBefore: Date }>;
  /** host names of the environment's vhosts, in order; APIs on the first one answer on any Host */
  vhosts: string[];
}

/**
 * Longest the snapshot's transaction may run by default: tens of thousands of APIs and hundreds of
 * thousands of subscriptions take seconds to read, beyond Prisma's default of 5 s for a transaction.
 */
export const SNAPSHOT_TIMEOUT_MS = 300_000;

type ConditionalGroupRow = Prisma.ConditionalGroupGetPayload<object>;

function byId<T extends { id: string }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((r) => [r.id, r]));
}

/** The host names of an environment's vhosts column (a JSON list of { host, ... }). */
function hostsOf(vhosts: Prisma.JsonValue | undefined): string[] {
  return Array.isArray(vhosts)
    ? (vhosts as Array<{ host?: unknown }>).flatMap((v) => (typeof v?.host === 'string' ? [v.host] : []))
    : [];
}

/**
 * A consistent snapshot for a gateway of `environment`: read in one REPEATABLE READ transaction, so
 * the state is exactly the one after event `lastEventId` (event writers commit in id order).
 */
export async function loadGatewaySnapshot(
  prisma: PrismaClient,
  environment: string,
  /** timeoutMs: longest the snapshot transaction may run (default SNAPSHOT_TIMEOUT_MS) */
  options: { timeoutMs?: number } = {},
): Promise<GatewaySnapshot> {
  return prisma.$transaction(
    async (tx) => {
      // Related rows are read by queries of their own, one after another: an `include` makes Prisma
      // send its queries side by side on the transaction's one connection (pg warns about that,
      // and pg 9 refuses it).
      const last = await tx.gatewayEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
      const env = await tx.gatewayEnvironment.findUnique({
        where: { name: environment },
        select: { vhosts: true },
      });
      const deployed = { environment: { name: environment } };
      const deployments = await tx.revisionDeployment.findMany({ where: deployed });
      // related rows selected by the deployments they have (one statement each, no id lists)
      const revisions = byId(
        await tx.apiRevision.findMany({
          where: { deployments: { some: deployed } },
          select: { id: true, snapshot: true },
        }),
      );
      const deployedApis = byId(
        await tx.api.findMany({
          where: { deployments: { some: deployed } },
          select: { id: true, lifecycleStatus: true, isDefaultVersion: true },
        }),
      );
      const applications = await tx.application.findMany();
      const owners = byId(
        await tx.user.findMany({
          where: { applications: { some: {} } },
          select: { id: true, username: true },
        }),
      );
      const keys = await tx.applicationKey.findMany();
      const subscriptions = await tx.subscription.findMany();
      const policies = await tx.throttlingPolicy.findMany();
      const groupsOf = new Map<string, ConditionalGroupRow[]>();
      for (const g of await tx.conditionalGroup.findMany())
        groupsOf.set(g.policyId, [...(groupsOf.get(g.policyId) ?? []), g]);
      const denyPolicies = await tx.denyPolicy.findMany();
      const issuers = await tx.trustedIssuer.findMany();
      const authorizers = await tx.externalAuthorizer.findMany();
      const revokedTokens = await tx.revokedToken.findMany({ where: { expiresAt: { gt: new Date() } } });
      const revokedClients = await tx.revokedClient.findMany();
      return {
        lastEventId: last?.id ?? 0n,
        apis: deployments.map((d) => {
          const api = deployedApis.get(d.apiId)!;
          return gatewayApi(
            revisions.get(d.revisionId)!.snapshot as unknown as ApiSnapshot,
            { revisionId: d.revisionId, environment, vhost: d.vhost },
            { lifecycleStatus: api.lifecycleStatus, isDefaultVersion: api.isDefaultVersion },
          );
        }),
        applications: applications.map((a) => gatewayApplication({ ...a, owner: owners.get(a.ownerId)! })),
        keyMappings: keys.map(gatewayKeyMapping),
        subscriptions: subscriptions.map(gatewaySubscription),
        policies: policies.map((p) => gatewayPolicy({ ...p, conditionalGroups: groupsOf.get(p.id) ?? [] })),
        denyPolicies: denyPolicies.map(gatewayDenyPolicy),
        issuers: issuers.map(gatewayIssuer),
        authorizers: authorizers.map(gatewayAuthorizer),
        revokedTokens: revokedTokens.map((t) => ({ jti: t.jti, expiresAt: t.expiresAt })),
        revokedClients: revokedClients.map((c) => ({ clientId: c.clientId, revokedBefore: c.revokedBefore })),
        vhosts: hostsOf(env?.vhosts),
      };
    },
    { isolationLevel: 'RepeatableRead', timeout: options.timeoutMs ?? SNAPSHOT_TIMEOUT_MS },
  );
}

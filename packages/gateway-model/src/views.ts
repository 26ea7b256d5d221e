/**
 * The gateway's view of each entity, built from Prisma rows. The control plane writes these views
 * into the gateway event log; gateways build their start-up snapshot with the same functions
 * (loadGatewayState), so an entity looks the same whichever way a gateway learnt about it.
 */
import { X509Certificate } from 'node:crypto';
import type {
  ApiSnapshot,
  CorsConfig,
  EndpointConfig,
  GatewayApi,
  GatewayApplication,
  GatewayCondition,
  GatewayDenyPolicy,
  GatewayIssuer,
  GatewayKeyMapping,
  GatewayPolicy,
  GatewayScope,
  GatewaySubscription,
  LifecycleStatus,
} from '@apim/contracts';
import type { Prisma, PrismaClient } from '@apim/db';

/** Who a certificate's holder is, as WSO2 names them: the subject's common name, else the whole subject. */
function certificateUserName(pem: string): string {
  const subject = new X509Certificate(pem).subject.split('\n');
  const cn = subject.find((rdn) => rdn.startsWith('CN='));
  return cn ? cn.slice(3) : subject.join(', ');
}

type ApplicationRow = Prisma.ApplicationGetPayload<object> & { owner: { username: string } };
type PolicyRow = Prisma.ThrottlingPolicyGetPayload<{ include: { conditionalGroups: true } }>;
type ConditionalGroupRow = Prisma.ConditionalGroupGetPayload<object>;
type KeyRow = Prisma.ApplicationKeyGetPayload<object>;
type SubscriptionRow = Prisma.SubscriptionGetPayload<object>;
type DenyRow = Prisma.DenyPolicyGetPayload<object>;
type IssuerRow = Prisma.TrustedIssuerGetPayload<object>;

type ApiRow = Prisma.ApiGetPayload<{
  include: {
    operations: true;
    provider: { select: { username: true } };
    clientCertificates: true;
  };
}>;

/**
 * An API as apiSnapshot needs it, or null. Its relations are read by queries of their own, one
 * after another: the queries of an `include` go out side by side, which a transaction's one
 * connection only queues (pg warns about it, and pg 9 refuses it).
 */
export async function loadApiForSnapshot(
  tx: Prisma.TransactionClient,
  apiId: string,
): Promise<ApiRow | null> {
  const api = await tx.api.findUnique({ where: { id: apiId } });
  if (!api) return null;
  const operations = await tx.apiOperation.findMany({ where: { apiId }, orderBy: { position: 'asc' } });
  const provider = await tx.user.findUniqueOrThrow({
    where: { id: api.providerId },
    select: { username: true },
  });
  const clientCertificates = await tx.apiClientCertificate.findMany({
    where: { apiId },
    orderBy: { alias: 'asc' },
  });
  return { ...api, operations, provider, clientCertificates };
}

/**
 * The immutable content of a revision (stored in ApiRevision.snapshot). `scopes` are the scopes its
 * operations require, with their role bindings (Basic-auth callers get those bound to their roles).
 */
export function apiSnapshot(api: ApiRow, scopes: GatewayScope[]): ApiSnapshot {
  return {
    id: api.id,
    name: api.name,
    context: api.context,
    version: api.version,
    providerName: api.provider.username,
    endpointConfig: api.endpointConfig as unknown as EndpointConfig,
    securitySchemes: api.securitySchemes,
    authorizationHeader: api.authorizationHeader,
    apiKeyHeader: api.apiKeyHeader,
    corsConfig: (api.corsConfig as unknown as CorsConfig | null) ?? null,
    subscriptionPolicies: api.subscriptionPolicies,
    apiThrottlingPolicy: api.apiThrottlingPolicy,
    maxTps: (api.maxTps as ApiSnapshot['maxTps']) ?? null,
    enableSchemaValidation: api.enableSchemaValidation,
    responseCachingEnabled: api.responseCachingEnabled,
    cacheTimeout: api.cacheTimeout,
    keyManagers: api.keyManagers,
    mediationPolicies: api.mediationPolicies ?? null,
    definition: api.definition ?? null,
    operations: api.operations.map((o) => ({
      verb: o.verb,
      target: o.target,
      authEnabled: o.authEnabled,
      scopes: o.scopes,
      throttlingPolicy: o.throttlingPolicy,
      operationPolicies: o.operationPolicies ?? null,
    })),
    clientCertificates: api.clientCertificates.map((c) => ({
      alias: c.alias,
      fingerprint: c.fingerprint,
      tier: c.tier,
      keyType: c.keyType,
      userName: certificateUserName(c.certificate),
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
    })),
    scopes,
  };
}

/** A deployed revision: its snapshot plus where it runs and the API's live state. */
export function gatewayApi(
  snapshot: ApiSnapshot,
  deployment: { revisionId: string; environment: string; vhost: string },
  live: { lifecycleStatus: LifecycleStatus; isDefaultVersion: boolean },
): GatewayApi {
  return { ...snapshot, ...deployment, ...live };
}

export function gatewayApplication(app: ApplicationRow): GatewayApplication {
  return {
    id: app.id,
    name: app.name,
    ownerId: app.ownerId,
    ownerName: app.owner.username,
    throttlingPolicy: app.throttlingPolicy,
    tokenType: app.tokenType,
    status: app.status,
  };
}

export function gatewayKeyMapping(key: KeyRow): GatewayKeyMapping {
  return {
    consumerKey: key.consumerKey,
    applicationId: key.applicationId,
    keyType: key.keyType,
    keyManager: key.keyManager,
  };
}

export function gatewaySubscription(sub: SubscriptionRow): GatewaySubscription {
  return {
    id: sub.id,
    applicationId: sub.applicationId,
    apiId: sub.apiId,
    throttlingPolicy: sub.throttlingPolicy,
    status: sub.status,
  };
}

type LimitFields = Pick<
  PolicyRow,
  'quotaType' | 'requestCount' | 'dataAmount' | 'dataUnit' | 'unitTime' | 'timeUnit'
>;

function limitOf(row: LimitFields) {
  return {
    quotaType: row.quotaType,
    requestCount: row.requestCount,
    dataAmount: row.dataAmount,
    dataUnit: row.dataUnit,
    unitTime: row.unitTime,
    timeUnit: row.timeUnit as GatewayPolicy['timeUnit'],
  };
}

export function gatewayPolicy(policy: PolicyRow): GatewayPolicy {
  return {
    id: policy.id,
    type: policy.type,
    name: policy.name,
    ...limitOf(policy),
    rateLimitCount: policy.rateLimitCount,
    rateLimitTimeUnit: policy.rateLimitTimeUnit as GatewayPolicy['rateLimitTimeUnit'],
    stopOnQuotaReach: policy.stopOnQuotaReach,
    conditionalGroups: [...policy.conditionalGroups]
      .sort((a, b) => a.position - b.position)
      .map((g) => ({ id: g.id, ...limitOf(g), conditions: g.conditions as unknown as GatewayCondition[] })),
  };
}

export function gatewayDenyPolicy(row: DenyRow): GatewayDenyPolicy {
  return {
    id: row.id,
    conditionType: row.conditionType,
    conditionValue: row.conditionValue,
    enabled: row.enabled,
  };
}

/** Keys of TrustedIssuer.claimMappings that carry settings rather than a remote -> local mapping. */
export const ISSUER_CLAIM_SETTINGS = ['consumerKeyClaim', 'scopesClaim'] as const;

/** The claim mappings of an issuer row, as settings and as remote -> local claim pairs. */
export function issuerClaims(row: IssuerRow): {
  consumerKeyClaim: string;
  scopesClaim: string;
  mappings: Record<string, string>;
} {
  const { consumerKeyClaim, scopesClaim, ...mappings } = (row.claimMappings ?? {}) as Record<string, string>;
  return { consumerKeyClaim: consumerKeyClaim ?? 'azp', scopesClaim: scopesClaim ?? 'scope', mappings };
}

export function gatewayIssuer(row: IssuerRow): GatewayIssuer {
  const claims = issuerClaims(row);
  return {
    id: row.id,
    name: row.name,
    type: row.type as GatewayIssuer['type'],
    issuer: row.issuer,
    jwksUrl: row.jwksUrl,
    audience: row.audience,
    algorithms: row.algorithms,
    consumerKeyClaim: claims.consumerKeyClaim,
    scopesClaim: claims.scopesClaim,
    claimMappings: claims.mappings,
    introspection:
      row.introspectionEndpoint && row.introspectionClientId && row.introspectionClientSecret
        ? {
            endpoint: row.introspectionEndpoint,
            clientId: row.introspectionClientId,
            sealedSecret: row.introspectionClientSecret,
          }
        : null,
    enabled: row.enabled,
  };
}

/** Everything a gateway holds, as of event `lastEventId` (apply events after it). */
export interface GatewayState {
  lastEventId: bigint;
  apis: GatewayApi[];
  applications: GatewayApplication[];
  keyMappings: GatewayKeyMapping[];
  subscriptions: GatewaySubscription[];
  policies: GatewayPolicy[];
  denyPolicies: GatewayDenyPolicy[];
  issuers: GatewayIssuer[];
  revokedTokens: { jti: string; expiresAt: string }[];
  revokedClients: { clientId: string; revokedBefore: string }[];
}

function byId<T extends { id: string }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * A consistent snapshot for a gateway: read in one REPEATABLE READ transaction, so the state is
 * exactly the one after event `lastEventId` (event writers commit in id order).
 */
export async function loadGatewayState(
  prisma: PrismaClient,
  /** timeoutMs: longest the snapshot transaction may run (Prisma's default is 5 s) */
  options: { environment?: string; timeoutMs?: number } = {},
): Promise<GatewayState> {
  return prisma.$transaction(
    async (tx) => {
      // Related rows are read by queries of their own, one after another: an `include` makes Prisma
      // send its queries side by side on the transaction's one connection (pg warns about that,
      // and pg 9 refuses it).
      const last = await tx.gatewayEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
      const deployed = options.environment ? { environment: { name: options.environment } } : {};
      const deployments = await tx.revisionDeployment.findMany({ where: deployed });
      // related rows selected by the deployments they have (one statement each, no id lists)
      const revisions = byId(
        await tx.apiRevision.findMany({
          where: { deployments: { some: deployed } },
          select: { id: true, snapshot: true },
        }),
      );
      const environments = byId(await tx.gatewayEnvironment.findMany({ select: { id: true, name: true } }));
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
      const revokedTokens = await tx.revokedToken.findMany({ where: { expiresAt: { gt: new Date() } } });
      const revokedClients = await tx.revokedClient.findMany();
      return {
        lastEventId: last?.id ?? 0n,
        apis: deployments.map((d) => {
          const api = deployedApis.get(d.apiId)!;
          return gatewayApi(
            revisions.get(d.revisionId)!.snapshot as unknown as ApiSnapshot,
            {
              revisionId: d.revisionId,
              environment: environments.get(d.environmentId)!.name,
              vhost: d.vhost,
            },
            { lifecycleStatus: api.lifecycleStatus, isDefaultVersion: api.isDefaultVersion },
          );
        }),
        applications: applications.map((a) => gatewayApplication({ ...a, owner: owners.get(a.ownerId)! })),
        keyMappings: keys.map(gatewayKeyMapping),
        subscriptions: subscriptions.map(gatewaySubscription),
        policies: policies.map((p) => gatewayPolicy({ ...p, conditionalGroups: groupsOf.get(p.id) ?? [] })),
        denyPolicies: denyPolicies.map(gatewayDenyPolicy),
        issuers: issuers.map(gatewayIssuer),
        revokedTokens: revokedTokens.map((t) => ({ jti: t.jti, expiresAt: t.expiresAt.toISOString() })),
        revokedClients: revokedClients.map((c) => ({
          clientId: c.clientId,
          revokedBefore: c.revokedBefore.toISOString(),
        })),
      };
    },
    { isolationLevel: 'RepeatableRead', ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) },
  );
}

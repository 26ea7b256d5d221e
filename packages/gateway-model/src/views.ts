/**
 * The gateway's view of each entity, built from Prisma rows. The control plane writes these views
 * into the gateway event log; gateways build their start-up snapshot with the same functions
 * (loadGatewaySnapshot), so an entity looks the same whichever way a gateway learnt about it.
 */
import { X509Certificate } from 'node:crypto';
import type {
  ApiSnapshot,
  CorsConfig,
  EndpointConfig,
  GatewayApi,
  GatewayApplication,
  GatewayAuthorizer,
  GatewayCondition,
  GatewayDenyPolicy,
  GatewayEventPayloads,
  GatewayIssuer,
  GatewayKeyMapping,
  GatewayPolicy,
  GatewayScope,
  GatewaySubscription,
  LifecycleStatus,
  OperationRule,
} from '@apim/contracts';
import type { Prisma } from '@apim/db';

/** Who a certificate's holder is, as WSO2 names them: the subject's common name, else the whole subject. */
function certificateUserName(pem: string): string {
  const subject = new X509Certificate(pem).subject.split('\n');
  const cn = subject.find((rdn) => rdn.startsWith('CN='));
  return cn ? cn.slice(3) : subject.join(', ');
}

type ApplicationRow = Prisma.ApplicationGetPayload<object> & { owner: { username: string } };
type PolicyRow = Prisma.ThrottlingPolicyGetPayload<{ include: { conditionalGroups: true } }>;
type KeyRow = Prisma.ApplicationKeyGetPayload<object>;
type SubscriptionRow = Prisma.SubscriptionGetPayload<object>;
type DenyRow = Prisma.DenyPolicyGetPayload<object>;
type IssuerRow = Prisma.TrustedIssuerGetPayload<object>;
type AuthorizerRow = Prisma.ExternalAuthorizerGetPayload<object>;
type RevokedTokenRow = Prisma.RevokedTokenGetPayload<object>;
type RevokedClientRow = Prisma.RevokedClientGetPayload<object>;

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
 * What a new revision of the API stores (ApiRevision.snapshot), read in the caller's transaction:
 * the API with its operations and client certificates, and the scopes its operations require with
 * their role bindings. Null when there is no such API.
 */
export async function takeApiSnapshot(
  tx: Prisma.TransactionClient,
  apiId: string,
): Promise<{ api: ApiRow; snapshot: ApiSnapshot } | null> {
  const api = await loadApiForSnapshot(tx, apiId);
  if (!api) return null;
  const scopes = await tx.scope.findMany({
    where: { name: { in: [...new Set(api.operations.flatMap((o) => o.scopes))] } },
    select: { name: true, roles: true },
    orderBy: { name: 'asc' },
  });
  return { api, snapshot: apiSnapshot(api, scopes) };
}

/**
 * The immutable content of a revision (stored in ApiRevision.snapshot). `scopes` are the scopes its
 * operations require, with their role bindings (Basic-auth callers get those bound to their roles).
 */
export function apiSnapshot(api: ApiRow, scopes: GatewayScope[]): ApiSnapshot {
  return {
    id: api.id,
    name: api.name,
    type: api.type,
    graphqlSchema: api.graphqlSchema,
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
    hosts: api.hosts,
    operations: api.operations.map((o) => ({
      verb: o.verb,
      target: o.target,
      authEnabled: o.authEnabled,
      scopes: o.scopes,
      throttlingPolicy: o.throttlingPolicy,
      operationPolicies: o.operationPolicies ?? null,
      rule: (o.rule as OperationRule | null) ?? null,
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
    graphqlMaxDepth: policy.graphqlMaxDepth,
    graphqlMaxComplexity: policy.graphqlMaxComplexity,
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

/** An external authorizer (Envoy ext_authz, HTTP mode) as the rules naming it call it. */
export function gatewayAuthorizer(row: AuthorizerRow): GatewayAuthorizer {
  return {
    name: row.name,
    url: row.url,
    headersToSend: row.headersToSend,
    headersToPassBack: row.headersToPassBack,
    timeoutMs: row.timeoutMs,
    failClosed: row.failClosed,
  };
}

/** A revoked token as TOKEN_REVOKED carries it (gateways refuse it until it would have expired). */
export function gatewayRevokedToken(row: RevokedTokenRow): GatewayEventPayloads['TOKEN_REVOKED'] {
  return { jti: row.jti, expiresAt: row.expiresAt.toISOString() };
}

/** A client whose earlier tokens are revoked, as CLIENT_TOKENS_REVOKED carries it. */
export function gatewayRevokedClient(row: RevokedClientRow): GatewayEventPayloads['CLIENT_TOKENS_REVOKED'] {
  return { clientId: row.clientId, revokedBefore: row.revokedBefore.toISOString() };
}

/** The API resource in WSO2's shape, and the conversions between it and our rows. */
import { RESIDENT_KEY_MANAGER, type KeyType, type OperationRule } from '@apim/contracts';
import { ALL_KEY_MANAGERS, API_DEFAULTS, type Complete, type Publisher } from '@apim/rest-contract';
import type { Prisma, TransactionClient } from '@apim/db';
import type { OperationDraft, ScopeDraft } from './openapi/operations.js';
import { badRequest } from '../http/errors.js';

export const API_INCLUDE = {
  operations: { orderBy: { position: 'asc' } },
  provider: { select: { username: true } },
} as const satisfies Prisma.ApiInclude;

export type ApiRow = Prisma.ApiGetPayload<{ include: typeof API_INCLUDE }>;

export const DEFAULT_OPERATIONS: OperationDraft[] = (['GET', 'PUT', 'POST', 'DELETE', 'PATCH'] as const).map(
  (verb) => ({ verb, target: '/*', authEnabled: true, scopes: [], throttlingPolicy: null }),
);

export function operationDraft(o: Publisher.APIOperations): OperationDraft {
  return {
    verb: o.verb,
    target: o.target,
    authEnabled: o.authType !== 'None',
    scopes: o.scopes ?? [],
    throttlingPolicy: o.throttlingPolicy ?? null,
    rule: (o.rule ?? null) as OperationRule | null,
  };
}

export function apiInfoDto(
  api: ApiRow | Prisma.ApiGetPayload<{ include: { provider: { select: { username: true } } } }>,
): Complete<Publisher.APIInfo> {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    context: api.context,
    version: api.version,
    provider: api.provider.username,
    type: api.type,
    lifeCycleStatus: api.lifecycleStatus,
    isDefaultVersion: api.isDefaultVersion,
    tags: api.tags,
    createdTime: api.createdAt.toISOString(),
    updatedTime: api.updatedAt.toISOString(),
  };
}

/** The manifest that made an API (apim apply), as its ManagedObject row records it. */
export type ManagedByRow = Prisma.ManagedObjectGetPayload<object>;

function managedByDto(m: ManagedByRow): Publisher.ManagedBy {
  return {
    apiVersion: m.apiVersion,
    kind: m.kind,
    name: m.name,
    label: m.label,
    // the row holds one of the states the schema names
    state: m.state as Publisher.ManagedBy['state'],
    description: m.description,
    appliedAt: m.appliedAt.toISOString(),
  };
}

export function apiDto(
  api: ApiRow,
  scopes: Publisher.APIScope[],
  managedBy: ManagedByRow | null = null,
): Complete<Publisher.API> {
  return {
    ...apiInfoDto(api),
    type: api.type,
    transport: ['http', 'https'],
    policies: api.subscriptionPolicies,
    apiThrottlingPolicy: api.apiThrottlingPolicy,
    authorizationHeader: api.authorizationHeader,
    apiKeyHeader: api.apiKeyHeader,
    // the JSON columns hold what the API schema validated
    securityScheme: api.securitySchemes as Complete<Publisher.API>['securityScheme'],
    maxTps: api.maxTps as Publisher.APIMaxTps | null,
    visibility: api.visibility,
    visibleRoles: api.visibleRoles,
    endpointConfig: api.endpointConfig as unknown as Publisher.EndpointConfig,
    corsConfiguration: api.corsConfig as Publisher.APICorsConfiguration | null,
    businessInformation: api.businessInformation as Publisher.APIBusinessInformation | null,
    enableSchemaValidation: api.enableSchemaValidation,
    responseCachingEnabled: api.responseCachingEnabled,
    cacheTimeout: api.cacheTimeout,
    keyManagers: api.keyManagers,
    mediationPolicies: api.mediationPolicies,
    hosts: api.hosts,
    managedBy: managedBy && managedByDto(managedBy),
    operations: api.operations.map((o) => ({
      id: o.id,
      target: o.target,
      verb: o.verb,
      authType: o.authEnabled ? 'Application & Application User' : 'None',
      throttlingPolicy: o.throttlingPolicy,
      scopes: o.scopes,
      operationPolicies: o.operationPolicies,
      rule: o.rule as Publisher.OperationRule | null,
    })),
    scopes,
    lastUpdatedTime: api.updatedAt.toISOString(),
  };
}

/** Our row fields from the client's API resource (only the mutable ones). */
export function apiFields(input: Publisher.API) {
  return {
    description: input.description ?? null,
    tags: input.tags ?? [],
    subscriptionPolicies: input.policies?.length ? input.policies : [...API_DEFAULTS.policies],
    apiThrottlingPolicy: input.apiThrottlingPolicy ?? null,
    authorizationHeader: input.authorizationHeader ?? null,
    apiKeyHeader: input.apiKeyHeader ?? null,
    securitySchemes: input.securityScheme?.length ? input.securityScheme : [...API_DEFAULTS.securityScheme],
    maxTps: (input.maxTps ?? undefined) as Prisma.InputJsonValue | undefined,
    visibility: input.visibility ?? API_DEFAULTS.visibility,
    visibleRoles: input.visibleRoles ?? [],
    endpointConfig: (input.endpointConfig ?? API_DEFAULTS.endpointConfig) as Prisma.InputJsonValue,
    corsConfig: (input.corsConfiguration ?? undefined) as Prisma.InputJsonValue | undefined,
    businessInformation: (input.businessInformation ?? undefined) as Prisma.InputJsonValue | undefined,
    enableSchemaValidation: input.enableSchemaValidation ?? API_DEFAULTS.enableSchemaValidation,
    responseCachingEnabled: input.responseCachingEnabled ?? API_DEFAULTS.responseCachingEnabled,
    cacheTimeout: input.cacheTimeout ?? API_DEFAULTS.cacheTimeout,
    keyManagers: input.keyManagers ?? [...API_DEFAULTS.keyManagers],
    mediationPolicies: (input.mediationPolicies ?? undefined) as Prisma.InputJsonValue | undefined,
    hosts: input.hosts ?? [],
  };
}

/**
 * Rejects what the API names but does not exist: tiers, key managers, and the external authorizers
 * its rules name (a gateway would refuse every call of such a rule).
 */
export async function checkReferences(
  tx: TransactionClient,
  fields: Pick<ReturnType<typeof apiFields>, 'subscriptionPolicies' | 'apiThrottlingPolicy' | 'keyManagers'>,
  operations: OperationDraft[],
): Promise<void> {
  await checkPolicies(tx, fields.subscriptionPolicies, fields.apiThrottlingPolicy, operations);
  await checkKeyManagers(tx, fields.keyManagers);
  await checkAuthorizers(tx, operations);
}

async function checkAuthorizers(tx: TransactionClient, operations: OperationDraft[]): Promise<void> {
  const named = new Set(
    operations.flatMap((o) => (o.rule?.access.strategy === 'extAuth' ? o.rule.access.authorizers : [])),
  );
  if (!named.size) return;
  const found = await tx.externalAuthorizer.findMany({
    where: { name: { in: [...named] } },
    select: { name: true },
  });
  const missing = [...named].filter((n) => !found.some((f) => f.name === n));
  if (missing.length)
    throw badRequest(
      `Unknown external authorizers in the rules: ${missing.join(', ')} (the admin adds them under /external-authorizers)`,
    );
}

/** Rejects tiers that do not exist, naming them. */
async function checkPolicies(
  tx: TransactionClient,
  subscriptionPolicies: string[],
  apiPolicy: string | null,
  operations: OperationDraft[],
): Promise<void> {
  const sub = await tx.throttlingPolicy.findMany({
    where: { type: 'SUBSCRIPTION', name: { in: subscriptionPolicies } },
    select: { name: true },
  });
  const missingSub = subscriptionPolicies.filter((p) => !sub.some((s) => s.name === p));
  if (missingSub.length)
    throw badRequest(`Unknown subscription policies in 'policies': ${missingSub.join(', ')}`);
  const advancedNames = [
    ...new Set([apiPolicy, ...operations.map((o) => o.throttlingPolicy)].filter((p): p is string => !!p)),
  ];
  const adv = await tx.throttlingPolicy.findMany({
    where: { type: 'ADVANCED', name: { in: advancedNames } },
    select: { name: true },
  });
  const missingAdv = advancedNames.filter((p) => !adv.some((s) => s.name === p));
  if (missingAdv.length) throw badRequest(`Unknown advanced throttling policies: ${missingAdv.join(', ')}`);
}

/**
 * Rejects a keyManagers list that is not ["all"] or names of existing key managers (the resident
 * one or external ones, enabled or not), naming the unknown ones.
 */
async function checkKeyManagers(tx: TransactionClient, names: readonly string[]): Promise<void> {
  if (!names.length)
    throw badRequest(`'keyManagers' names no key manager: give ["${ALL_KEY_MANAGERS}"] or their names`);
  if (names.includes(ALL_KEY_MANAGERS)) {
    if (names.length > 1)
      throw badRequest(
        `'keyManagers' holds "${ALL_KEY_MANAGERS}" and names: give ["${ALL_KEY_MANAGERS}"] alone, or only names`,
      );
    return;
  }
  const external = names.filter((n) => n !== RESIDENT_KEY_MANAGER);
  const found = await tx.trustedIssuer.findMany({
    where: { name: { in: external } },
    select: { name: true },
  });
  const unknown = external.filter((n) => !found.some((f) => f.name === n));
  if (unknown.length)
    throw badRequest(`Unknown key managers in 'keyManagers': ${unknown.map((n) => `'${n}'`).join(', ')}`);
}

/** Rejects an operation list with the same verb and target twice. */
export function checkOperations(operations: OperationDraft[]): void {
  const seen = new Set<string>();
  for (const o of operations) {
    const key = `${o.verb} ${o.target}`;
    if (seen.has(key)) throw badRequest(`The operation ${key} is listed twice`);
    seen.add(key);
  }
}

export async function writeOperations(
  tx: TransactionClient,
  apiId: string,
  operations: OperationDraft[],
): Promise<void> {
  await tx.apiOperation.deleteMany({ where: { apiId } });
  await tx.apiOperation.createMany({
    data: operations.map(({ rule, ...o }, position) => ({
      apiId,
      position,
      ...o,
      rule: (rule ?? undefined) as Prisma.InputJsonValue | undefined,
    })),
  });
}

/**
 * Stores the API's own (not shared) scopes. A scope name belongs to one API (all its versions);
 * another API's scope name is a conflict. Shared scopes must exist.
 */
export async function writeScopes(
  tx: TransactionClient,
  api: { id: string; name: string },
  scopes: Publisher.APIScope[],
) {
  for (const { scope, shared } of scopes) {
    const existing = await tx.scope.findUnique({
      where: { name: scope.name },
      include: { api: { select: { name: true, version: true } } },
    });
    if (shared) {
      if (!existing || existing.apiId !== null) throw badRequest(`'${scope.name}' is not a shared scope`);
      continue;
    }
    // the owner is named, so the publisher knows where to look (or to use it as a shared scope)
    if (existing && (existing.apiId === null || existing.api?.name !== api.name))
      throw badRequest(
        existing.api
          ? `The scope name '${scope.name}' is already used by another API: '${existing.api.name}' (${existing.api.version})`
          : `The scope name '${scope.name}' is already used by a ${scope.name.startsWith('apim:') ? 'system' : 'shared'} scope`,
      );
    const data = {
      displayName: scope.displayName ?? scope.name,
      description: scope.description ?? null,
      roles: scope.bindings ?? [],
    };
    if (existing) await tx.scope.update({ where: { id: existing.id }, data });
    else await tx.scope.create({ data: { name: scope.name, apiId: api.id, ...data } });
  }
}

/** OAuth2 scope tokens are space-separated (RFC 6749 3.3); apim:* names are the REST APIs' own. */
function checkScopeName(name: string): void {
  if (!/^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/.test(name))
    throw badRequest(
      `The scope '${name.slice(0, 100)}' cannot be used: a scope name is 1 to 255 printable ASCII characters without spaces, quotes or backslashes`,
    );
  if (name.startsWith('apim:')) throw badRequest(`The scope name '${name}' is reserved ('apim:' names)`);
}

/**
 * Creates the scopes an imported document declares or requires that do not exist yet, bound to the
 * API, so that tokens can carry them. A name that exists already (a shared scope, another API's)
 * is used as it is: scope names are global, and the gateways only compare names.
 */
export async function createMissingScopes(
  tx: TransactionClient,
  apiId: string,
  scopes: readonly ScopeDraft[],
): Promise<void> {
  if (!scopes.length) return;
  const existing = new Set(
    (
      await tx.scope.findMany({ where: { name: { in: scopes.map((s) => s.name) } }, select: { name: true } })
    ).map((s) => s.name),
  );
  const missing = scopes.filter((s) => !existing.has(s.name));
  missing.forEach((s) => checkScopeName(s.name));
  await tx.scope.createMany({
    data: missing.map((s) => ({
      name: s.name,
      displayName: s.name,
      description: s.description || null,
      roles: s.roles,
      apiId,
    })),
    // another import creating the same name meanwhile: theirs is as good
    skipDuplicates: true,
  });
}

/**
 * Before an API is deleted: each scope it holds passes to an API that still needs it (another
 * version of the same API first, else one whose operations require it), so that tokens for
 * those can still carry it. Scopes nobody else needs go with the API.
 */
export async function handOverScopes(
  tx: TransactionClient,
  api: { id: string; name: string },
): Promise<void> {
  const held = await tx.scope.findMany({ where: { apiId: api.id }, select: { id: true, name: true } });
  for (const scope of held) {
    const [heir] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT a.id FROM api a
      WHERE a.id <> ${api.id}::uuid
        AND (a.name = ${api.name}
             OR EXISTS (SELECT 1 FROM api_operation o WHERE o.api_id = a.id AND ${scope.name} = ANY(o.scopes)))
      ORDER BY (a.name = ${api.name}) DESC, a.created_at
      LIMIT 1`;
    if (heir) await tx.scope.update({ where: { id: scope.id }, data: { apiId: heir.id } });
  }
}

/** The API's scopes: those of its name (any version) and the shared scopes its operations use. */
export async function scopesOf(tx: TransactionClient, api: ApiRow): Promise<Publisher.APIScope[]> {
  const used = [...new Set(api.operations.flatMap((o) => o.scopes))];
  const rows = await tx.scope.findMany({
    where: { OR: [{ api: { name: api.name } }, { apiId: null, name: { in: used } }] },
    orderBy: { name: 'asc' },
  });
  return rows.map((s) => ({
    scope: {
      id: s.id,
      name: s.name,
      displayName: s.displayName ?? s.name,
      description: s.description ?? '',
      bindings: s.roles,
    },
    shared: s.apiId === null,
  }));
}

/** Locks the API row for the rest of the transaction (revisions, deployments, lifecycle). */
export async function lockApi(tx: TransactionClient, apiId: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM api WHERE id = ${apiId}::uuid FOR UPDATE`;
}

/**
 * A client certificate without its row's ids, as a revision keeps it (JSON) and as another API (a
 * new version, a restored revision) gets it back.
 */
export interface KeptCertificate {
  alias: string;
  certificate: string;
  fingerprint: string;
  tier: string;
  keyType: KeyType;
  notBefore: string;
  notAfter: string;
}

export function keptCertificate(c: Prisma.ApiClientCertificateGetPayload<object>): KeptCertificate {
  return {
    alias: c.alias,
    certificate: c.certificate,
    fingerprint: c.fingerprint,
    tier: c.tier,
    keyType: c.keyType,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
  };
}

/** The API resource in WSO2's shape, and the conversions between it and our rows. */
import type { Prisma, TransactionClient } from '@apim/db';
import type { OperationDraft } from '../openapi/operations.js';
import { badRequest } from '../http/errors.js';

export interface ApiOperationDto {
  id?: string;
  target: string;
  verb: OperationDraft['verb'];
  authType?: string;
  throttlingPolicy?: string | null;
  scopes?: string[];
  operationPolicies?: unknown;
}

export interface ApiScopeDto {
  scope: { id?: string; name: string; displayName?: string; description?: string; bindings?: string[] };
  shared?: boolean;
}

/** The writable fields of an API, as a client sends them. */
export interface ApiInput {
  name: string;
  context: string;
  version: string;
  description?: string | null;
  isDefaultVersion?: boolean;
  tags?: string[];
  policies?: string[];
  apiThrottlingPolicy?: string | null;
  authorizationHeader?: string | null;
  apiKeyHeader?: string | null;
  securityScheme?: string[];
  maxTps?: { production?: number; sandbox?: number } | null;
  visibility?: 'PUBLIC' | 'PRIVATE' | 'RESTRICTED';
  visibleRoles?: string[];
  endpointConfig?: Record<string, unknown>;
  corsConfiguration?: Record<string, unknown> | null;
  businessInformation?: Record<string, unknown> | null;
  enableSchemaValidation?: boolean;
  mediationPolicies?: unknown;
  operations?: ApiOperationDto[];
  scopes?: ApiScopeDto[];
}

export const API_INCLUDE = {
  operations: { orderBy: { position: 'asc' } },
  provider: { select: { username: true } },
} as const satisfies Prisma.ApiInclude;

export type ApiRow = Prisma.ApiGetPayload<{ include: typeof API_INCLUDE }>;

export const DEFAULT_SECURITY = ['oauth2', 'oauth_basic_auth_api_key_mandatory'];
export const DEFAULT_OPERATIONS: OperationDraft[] = (['GET', 'PUT', 'POST', 'DELETE', 'PATCH'] as const).map(
  (verb) => ({ verb, target: '/*', authEnabled: true, scopes: [], throttlingPolicy: null }),
);

export function operationDraft(o: ApiOperationDto): OperationDraft {
  return {
    verb: o.verb,
    target: o.target,
    authEnabled: o.authType !== 'None',
    scopes: o.scopes ?? [],
    throttlingPolicy: o.throttlingPolicy ?? null,
  };
}

export function apiInfoDto(
  api: ApiRow | Prisma.ApiGetPayload<{ include: { provider: { select: { username: true } } } }>,
) {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    context: api.context,
    version: api.version,
    provider: api.provider.username,
    type: 'HTTP',
    lifeCycleStatus: api.lifecycleStatus,
    isDefaultVersion: api.isDefaultVersion,
    tags: api.tags,
    createdTime: api.createdAt.toISOString(),
    updatedTime: api.updatedAt.toISOString(),
  };
}

export function apiDto(api: ApiRow, scopes: ApiScopeDto[]) {
  return {
    ...apiInfoDto(api),
    transport: ['http', 'https'],
    policies: api.subscriptionPolicies,
    apiThrottlingPolicy: api.apiThrottlingPolicy,
    authorizationHeader: api.authorizationHeader,
    apiKeyHeader: api.apiKeyHeader,
    securityScheme: api.securitySchemes,
    maxTps: api.maxTps,
    visibility: api.visibility,
    visibleRoles: api.visibleRoles,
    endpointConfig: api.endpointConfig,
    corsConfiguration: api.corsConfig,
    businessInformation: api.businessInformation,
    enableSchemaValidation: api.enableSchemaValidation,
    mediationPolicies: api.mediationPolicies,
    operations: api.operations.map((o) => ({
      id: o.id,
      target: o.target,
      verb: o.verb,
      authType: o.authEnabled ? 'Application & Application User' : 'None',
      throttlingPolicy: o.throttlingPolicy,
      scopes: o.scopes,
      operationPolicies: o.operationPolicies,
    })),
    scopes,
    lastUpdatedTime: api.updatedAt.toISOString(),
  };
}

/** Our row fields from the client's API resource (only the mutable ones). */
export function apiFields(input: ApiInput) {
  return {
    description: input.description ?? null,
    tags: input.tags ?? [],
    subscriptionPolicies: input.policies?.length ? input.policies : ['Unlimited'],
    apiThrottlingPolicy: input.apiThrottlingPolicy ?? null,
    authorizationHeader: input.authorizationHeader ?? null,
    apiKeyHeader: input.apiKeyHeader ?? null,
    securitySchemes: input.securityScheme?.length ? input.securityScheme : DEFAULT_SECURITY,
    maxTps: (input.maxTps ?? undefined) as Prisma.InputJsonValue | undefined,
    visibility: input.visibility ?? 'PUBLIC',
    visibleRoles: input.visibleRoles ?? [],
    endpointConfig: (input.endpointConfig ?? { endpoint_type: 'http' }) as Prisma.InputJsonValue,
    corsConfig: (input.corsConfiguration ?? undefined) as Prisma.InputJsonValue | undefined,
    businessInformation: (input.businessInformation ?? undefined) as Prisma.InputJsonValue | undefined,
    enableSchemaValidation: input.enableSchemaValidation ?? false,
    mediationPolicies: (input.mediationPolicies ?? undefined) as Prisma.InputJsonValue | undefined,
  };
}

/** Rejects tiers that do not exist, naming them. */
export async function checkPolicies(
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
    data: operations.map((o, position) => ({ apiId, position, ...o })),
  });
}

/**
 * Stores the API's own (not shared) scopes. A scope name belongs to one API (all its versions);
 * another API's scope name is a conflict. Shared scopes must exist.
 */
export async function writeScopes(
  tx: TransactionClient,
  api: { id: string; name: string },
  scopes: ApiScopeDto[],
) {
  for (const { scope, shared } of scopes) {
    const existing = await tx.scope.findUnique({
      where: { name: scope.name },
      include: { api: { select: { name: true } } },
    });
    if (shared) {
      if (!existing || existing.apiId !== null) throw badRequest(`'${scope.name}' is not a shared scope`);
      continue;
    }
    if (existing && (existing.apiId === null || existing.api?.name !== api.name))
      throw badRequest(
        `The scope name '${scope.name}' is already used ${existing.apiId ? 'by another API' : 'by a shared or system scope'}`,
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

/** The API's scopes: those of its name (any version) and the shared scopes its operations use. */
export async function scopesOf(tx: TransactionClient, api: ApiRow): Promise<ApiScopeDto[]> {
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

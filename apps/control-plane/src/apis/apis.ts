/** Creating, changing, versioning and deleting APIs. */
import type { OperationRule } from '@apim/contracts';
import { type Prisma, type PrismaClient, type TransactionClient } from '@apim/db';
import type { Principal } from '../http/auth.js';
import type { Publisher } from '@apim/rest-contract';
import { conflict, conflictOnDuplicate, HttpError, notFound } from '../http/errors.js';
import type { OperationDraft, ScopeDraft } from './openapi/operations.js';
import {
  API_INCLUDE,
  apiDto,
  apiFields,
  checkOperations,
  checkReferences,
  createMissingScopes,
  DEFAULT_OPERATIONS,
  handOverScopes,
  keptCertificate,
  operationDraft,
  scopesOf,
  writeOperations,
  writeScopes,
  type ApiRow,
} from './api-model.js';
import { gatewayWrites } from '../model/gateway-writes.js';

/**
 * An API with its operations and provider. Read by queries of their own, one after another: the
 * queries of an `include` go out side by side, which a transaction's one connection only queues
 * (pg warns about it, and pg 9 refuses it).
 */
export async function loadApi(db: PrismaClient | TransactionClient, apiId: string): Promise<ApiRow> {
  const api = await db.api.findUnique({ where: { id: apiId } });
  if (!api) throw notFound('API');
  const operations = await db.apiOperation.findMany({ where: { apiId }, orderBy: { position: 'asc' } });
  const provider = await db.user.findUniqueOrThrow({
    where: { id: api.providerId },
    select: API_INCLUDE.provider.select,
  });
  return { ...api, operations, provider };
}

export async function apiResource(db: PrismaClient | TransactionClient, api: ApiRow) {
  const scopes = await scopesOf(db as TransactionClient, api);
  return apiDto(api, scopes, await db.managedObject.findFirst({ where: { objectId: api.id } }));
}

function duplicateApi(api: { name: string; context: string; version: string }) {
  return conflictOnDuplicate(
    `An API with the name '${api.name}' or the context '${api.context}' already exists in version ${api.version}`,
  );
}

export interface CreateOptions {
  definition?: Record<string, unknown>;
  /** operations taken from the definition, used when the input lists none */
  operations?: OperationDraft[];
  /** scopes the definition declares or requires (created when missing) */
  scopes?: ScopeDraft[];
  /** a GraphQL API's schema (SDL) */
  graphqlSchema?: string;
}

export async function createApi(
  prisma: PrismaClient,
  principal: Principal,
  input: Publisher.API,
  options: CreateOptions = {},
) {
  const api = await prisma.$transaction((tx) => createApiIn(tx, principal, input, options));
  return apiResource(prisma, api);
}

/** Creates the API inside the caller's transaction; answers its row. */
export async function createApiIn(
  tx: TransactionClient,
  principal: Pick<Principal, 'userId'>,
  input: Publisher.API,
  options: CreateOptions = {},
): Promise<ApiRow> {
  const fields = apiFields(input);
  const type = input.type ?? 'HTTP';
  // a REST API with neither operations nor definition answers every method on every path, as
  // WSO2's; the other types' operations come from their definitions (channels, schema fields)
  const operations = input.operations?.length
    ? input.operations.map(operationDraft)
    : (options.operations ?? (options.definition || type !== 'HTTP' ? [] : DEFAULT_OPERATIONS));
  checkOperations(operations);
  await checkReferences(tx, fields, operations);
  const created = await tx.api
    .create({
      data: {
        name: input.name,
        context: input.context,
        version: input.version,
        type,
        providerId: principal.userId,
        ...fields,
        definition: (options.definition ?? undefined) as Prisma.InputJsonValue | undefined,
        graphqlSchema: options.graphqlSchema,
      },
    })
    .catch(duplicateApi(input));
  await writeOperations(tx, created.id, operations);
  await writeScopes(tx, created, input.scopes ?? []);
  await createMissingScopes(tx, created.id, options.scopes ?? []);
  if (input.isDefaultVersion) await gatewayWrites.api.setDefaultVersion(tx, created, true);
  return loadApi(tx, created.id);
}

export async function updateApi(prisma: PrismaClient, apiId: string, input: Publisher.API) {
  const api = await prisma.$transaction((tx) => updateApiIn(tx, apiId, input));
  return apiResource(prisma, api);
}

/** Changes the API's working copy inside the caller's transaction; answers its row. */
export async function updateApiIn(
  tx: TransactionClient,
  apiId: string,
  input: Publisher.API,
): Promise<ApiRow> {
  const current = await loadApi(tx, apiId);
  for (const key of ['name', 'context', 'version'] as const)
    if (input[key] !== current[key])
      throw new HttpError(400, `The ${key} of an API cannot be changed (create a new version with copy-api)`);
  if (input.type !== undefined && input.type !== current.type)
    throw new HttpError(
      400,
      `The type of an API cannot be changed (it is ${current.type}: create a new API)`,
    );
  if (current.lifecycleStatus === 'RETIRED') throw conflict('A retired API cannot be changed');
  const fields = apiFields(input);
  const operations = (input.operations ?? []).map(operationDraft);
  checkOperations(operations);
  await checkReferences(tx, fields, input.operations ? operations : current.operations.map(stripRow));
  await tx.api.update({ where: { id: apiId }, data: fields });
  if (input.operations) await writeOperations(tx, apiId, operations);
  await writeScopes(tx, current, input.scopes ?? []);
  if (input.isDefaultVersion !== undefined && input.isDefaultVersion !== current.isDefaultVersion)
    await gatewayWrites.api.setDefaultVersion(tx, current, input.isDefaultVersion);
  return loadApi(tx, apiId);
}

/** A stored operation as a draft to write again (for a copy, or to compare with a manifest's). */
export function stripRow(o: ApiRow['operations'][number]): OperationDraft {
  return {
    verb: o.verb,
    target: o.target,
    authEnabled: o.authEnabled,
    scopes: o.scopes,
    throttlingPolicy: o.throttlingPolicy,
    rule: o.rule as OperationRule | null,
  };
}

/** Replaces the API's definition and, from it, its operations (and scopes it brings). */
export async function replaceDefinition(
  prisma: PrismaClient,
  apiId: string,
  definition: Record<string, unknown>,
  contents: { operations: OperationDraft[]; scopes: ScopeDraft[] },
) {
  return prisma.$transaction((tx) => replaceDefinitionIn(tx, apiId, definition, contents));
}

export async function replaceDefinitionIn(
  tx: TransactionClient,
  apiId: string,
  definition: Record<string, unknown>,
  { operations, scopes }: { operations: OperationDraft[]; scopes: ScopeDraft[] },
) {
  checkOperations(operations);
  const current = await loadApi(tx, apiId);
  await checkReferences(tx, current, operations);
  await tx.api.update({ where: { id: apiId }, data: { definition: definition as Prisma.InputJsonValue } });
  await writeOperations(tx, apiId, operations);
  await createMissingScopes(tx, apiId, scopes);
  return loadApi(tx, apiId);
}

/** Deletes an API that nobody is subscribed to, undeploying it everywhere first. */
export async function deleteApi(prisma: PrismaClient, apiId: string): Promise<void> {
  await prisma.$transaction((tx) => deleteApiIn(tx, apiId));
}

export async function deleteApiIn(tx: TransactionClient, apiId: string): Promise<void> {
  const api = await loadApi(tx, apiId);
  // one subscription per application and API, so the subscriptions are the subscribed applications
  const subscribed = await tx.subscription.count({ where: { apiId } });
  if (subscribed > 0)
    throw conflict(
      `The API cannot be deleted: ${subscribed === 1 ? '1 application is' : `${subscribed} applications are`} subscribed: remove their subscriptions or retire the API`,
    );
  // its scopes go to another version first (no gateway sees them); then the API goes, with its events
  await handOverScopes(tx, api);
  await gatewayWrites.api.delete(tx, api);
}

/** A new version of an API: a copy of its working copy, in CREATED state, without revisions. */
export async function copyApi(
  prisma: PrismaClient,
  principal: Principal,
  apiId: string,
  newVersion: string,
  defaultVersion: boolean,
) {
  const source = await loadApi(prisma, apiId);
  try {
    return await prisma.$transaction(async (tx) => {
      const created = await tx.api.create({
        data: {
          name: source.name,
          context: source.context,
          version: newVersion,
          type: source.type,
          graphqlSchema: source.graphqlSchema,
          description: source.description,
          providerId: principal.userId,
          visibility: source.visibility,
          visibleRoles: source.visibleRoles,
          tags: source.tags,
          endpointConfig: source.endpointConfig as Prisma.InputJsonValue,
          securitySchemes: source.securitySchemes,
          authorizationHeader: source.authorizationHeader,
          apiKeyHeader: source.apiKeyHeader,
          corsConfig: (source.corsConfig ?? undefined) as Prisma.InputJsonValue | undefined,
          subscriptionPolicies: source.subscriptionPolicies,
          apiThrottlingPolicy: source.apiThrottlingPolicy,
          maxTps: (source.maxTps ?? undefined) as Prisma.InputJsonValue | undefined,
          businessInformation: (source.businessInformation ?? undefined) as Prisma.InputJsonValue | undefined,
          enableSchemaValidation: source.enableSchemaValidation,
          responseCachingEnabled: source.responseCachingEnabled,
          cacheTimeout: source.cacheTimeout,
          keyManagers: source.keyManagers,
          mediationPolicies: (source.mediationPolicies ?? undefined) as Prisma.InputJsonValue | undefined,
          definition: withVersion(source.definition, newVersion),
        },
      });
      await writeOperations(tx, created.id, source.operations.map(stripRow));
      // the new version admits the same mutual-TLS clients as the one it copies
      const certificates = await tx.apiClientCertificate.findMany({ where: { apiId: source.id } });
      await tx.apiClientCertificate.createMany({
        data: certificates.map((c) => ({ ...keptCertificate(c), apiId: created.id })),
      });
      if (defaultVersion) await gatewayWrites.api.setDefaultVersion(tx, created, true);
      return apiResource(tx, await loadApi(tx, created.id));
    });
  } catch (e) {
    return duplicateApi({ ...source, version: newVersion })(e);
  }
}

function withVersion(definition: unknown, version: string): Prisma.InputJsonValue | undefined {
  if (!definition || typeof definition !== 'object') return undefined;
  const copy = structuredClone(definition) as { info?: { version?: string } };
  if (copy.info && typeof copy.info === 'object') copy.info.version = version;
  return copy as Prisma.InputJsonValue;
}

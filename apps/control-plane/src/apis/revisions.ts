/** Revisions (immutable snapshots, at most 5 per API) and their deployment to gateway environments. */
import type { ApiSnapshot } from '@apim/contracts';
import { type Prisma, type PrismaClient, type TransactionClient } from '@apim/db';
import { takeApiSnapshot } from '@apim/gateway-model';
import { API_DEFAULTS, type Complete, type Publisher } from '@apim/rest-contract';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { keptCertificate, lockApi, writeOperations, type KeptCertificate } from './api-model.js';
import { loadApi } from './apis.js';
import { deploymentStatuses, type Deployment, type DeploymentStatus } from './deployment-status.js';
import { gatewayWrites } from '../model/gateway-writes.js';

export const MAX_REVISIONS = 5;

type RevisionRow = Prisma.ApiRevisionGetPayload<{
  include: { deployments: { include: { environment: true } } };
}>;
type DeploymentRow = RevisionRow['deployments'][number];
type StatusOf = (d: Deployment) => DeploymentStatus;
type Db = TransactionClient | PrismaClient;

const deploymentOf = (d: DeploymentRow): Deployment => ({
  apiId: d.apiId,
  revisionId: d.revisionId,
  environment: d.environment.name,
});

export function deploymentDto(d: DeploymentRow, statusOf: StatusOf) {
  return {
    revisionUuid: d.revisionId,
    name: d.environment.name,
    vhost: d.vhost,
    displayOnDevportal: d.displayOnDevportal,
    deployedTime: d.deployedAt.toISOString(),
    ...statusOf(deploymentOf(d)),
  };
}

export function revisionDto(r: RevisionRow, statusOf: StatusOf): Complete<Publisher.APIRevision> {
  return {
    id: r.id,
    displayName: `Revision ${r.revisionNumber}`,
    description: r.description,
    createdTime: r.createdAt.toISOString(),
    apiInfo: { id: r.apiId },
    deploymentInfo: r.deployments.map((d) => deploymentDto(d, statusOf)),
  };
}

/** Revisions with what the gateways report about their deployments, read in one query for them all. */
async function revisionDtos(db: Db, rows: RevisionRow[]) {
  const statusOf = await deploymentStatuses(
    db,
    rows.flatMap((r) => r.deployments.map(deploymentOf)),
  );
  return rows.map((r) => revisionDto(r, statusOf));
}

async function deploymentDtos(db: Db, rows: DeploymentRow[]) {
  const statusOf = await deploymentStatuses(db, rows.map(deploymentOf));
  return rows.map((d) => deploymentDto(d, statusOf));
}

const REVISION_INCLUDE = { deployments: { include: { environment: true } } } as const;

export async function listRevisions(prisma: PrismaClient, apiId: string, deployedOnly: boolean) {
  await loadApi(prisma, apiId);
  const rows = await prisma.apiRevision.findMany({
    where: { apiId, ...(deployedOnly ? { deployments: { some: {} } } : {}) },
    include: REVISION_INCLUDE,
    orderBy: { revisionNumber: 'asc' },
  });
  return revisionDtos(prisma, rows);
}

async function loadRevision(tx: TransactionClient | PrismaClient, apiId: string, revisionId: string) {
  const rev = await tx.apiRevision.findFirst({ where: { id: revisionId, apiId }, include: REVISION_INCLUDE });
  if (!rev) throw notFound('Revision');
  return rev;
}

export async function getRevision(prisma: PrismaClient, apiId: string, revisionId: string) {
  const [dto] = await revisionDtos(prisma, [await loadRevision(prisma, apiId, revisionId)]);
  return dto!;
}

export async function createRevision(prisma: PrismaClient, apiId: string, description: string | undefined) {
  return prisma.$transaction((tx) => createRevisionIn(tx, apiId, description));
}

/** Takes a revision of the API inside the caller's transaction (at most MAX_REVISIONS). */
export async function createRevisionIn(
  tx: TransactionClient,
  apiId: string,
  description: string | undefined,
) {
  await lockApi(tx, apiId);
  const taken = await takeApiSnapshot(tx, apiId);
  if (!taken) throw notFound('API');
  const { api, snapshot } = taken;
  if (api.lifecycleStatus === 'RETIRED') throw conflict('A retired API cannot get new revisions');
  const existing = await tx.apiRevision.findMany({ where: { apiId }, select: { revisionNumber: true } });
  if (existing.length >= MAX_REVISIONS)
    throw badRequest(`The API already has the maximum of ${MAX_REVISIONS} revisions: delete one first`);
  const revisionNumber = Math.max(0, ...existing.map((r) => r.revisionNumber)) + 1;
  const created = await tx.apiRevision.create({
    data: {
      apiId,
      revisionNumber,
      description: description ?? null,
      snapshot: snapshot as unknown as Prisma.InputJsonValue,
      clientCertificates: api.clientCertificates.map(keptCertificate) as unknown as Prisma.InputJsonValue,
    },
    include: REVISION_INCLUDE,
  });
  const [dto] = await revisionDtos(tx, [created]);
  return dto!;
}

export async function deleteRevision(prisma: PrismaClient, apiId: string, revisionId: string) {
  await prisma.$transaction(async (tx) => {
    await lockApi(tx, apiId);
    const rev = await loadRevision(tx, apiId, revisionId);
    if (rev.deployments.length)
      throw conflict('The revision is deployed: undeploy it from every environment before deleting it');
    await tx.apiRevision.delete({ where: { id: revisionId } });
  });
  return listRevisions(prisma, apiId, false);
}

/**
 * Makes the revision's content the API's working copy again, its client certificates included
 * (those of revisions taken before revisions kept them stay as they are). Its key managers are
 * restored as they are, even one deleted since: the next change of the API must drop it.
 */
export async function restoreRevision(prisma: PrismaClient, apiId: string, revisionId: string) {
  await prisma.$transaction(async (tx) => {
    await lockApi(tx, apiId);
    const rev = await loadRevision(tx, apiId, revisionId);
    const s = rev.snapshot as unknown as ApiSnapshot;
    await tx.api.update({
      where: { id: apiId },
      data: {
        endpointConfig: s.endpointConfig as unknown as Prisma.InputJsonValue,
        securitySchemes: s.securitySchemes,
        authorizationHeader: s.authorizationHeader,
        apiKeyHeader: s.apiKeyHeader,
        corsConfig: (s.corsConfig ?? undefined) as Prisma.InputJsonValue | undefined,
        subscriptionPolicies: s.subscriptionPolicies,
        apiThrottlingPolicy: s.apiThrottlingPolicy,
        maxTps: (s.maxTps ?? undefined) as Prisma.InputJsonValue | undefined,
        enableSchemaValidation: s.enableSchemaValidation,
        ...(s.responseCachingEnabled !== undefined
          ? {
              responseCachingEnabled: s.responseCachingEnabled,
              cacheTimeout: s.cacheTimeout ?? API_DEFAULTS.cacheTimeout,
            }
          : {}),
        // revisions taken before they named key managers were taken when every API accepted all
        keyManagers: s.keyManagers ?? [...API_DEFAULTS.keyManagers],
        mediationPolicies: (s.mediationPolicies ?? undefined) as Prisma.InputJsonValue | undefined,
        definition: (s.definition ?? undefined) as Prisma.InputJsonValue | undefined,
        hosts: s.hosts ?? [],
        ...(s.graphqlSchema !== undefined ? { graphqlSchema: s.graphqlSchema } : {}),
      },
    });
    await writeOperations(
      tx,
      apiId,
      s.operations.map((o) => ({
        verb: o.verb,
        target: o.target,
        authEnabled: o.authEnabled,
        scopes: o.scopes,
        throttlingPolicy: o.throttlingPolicy,
        rule: o.rule ?? null,
      })),
    );
    const certificates = rev.clientCertificates as unknown as KeptCertificate[] | null;
    if (certificates) {
      await tx.apiClientCertificate.deleteMany({ where: { apiId } });
      await tx.apiClientCertificate.createMany({ data: certificates.map((c) => ({ ...c, apiId })) });
    }
  });
}

export interface DeploymentTarget {
  name: string;
  vhost?: string;
  displayOnDevportal?: boolean;
}

interface Vhost {
  host: string;
}

/**
 * The environment and vhost a deployment names: one of the environment's vhosts or, for an API
 * served on hosts of its own (Kyma exposure), one of those.
 */
async function environmentFor(tx: TransactionClient, target: DeploymentTarget, apiHosts: readonly string[]) {
  const env = await tx.gatewayEnvironment.findUnique({ where: { name: target.name } });
  if (!env) throw badRequest(`There is no gateway environment named '${target.name}'`);
  const hosts = (env.vhosts as unknown as Vhost[]).map((v) => v.host);
  const vhost = target.vhost ?? hosts[0];
  if (!vhost || !(hosts.includes(vhost) || apiHosts.includes(vhost)))
    throw badRequest(
      `The environment '${env.name}' has no vhost '${target.vhost ?? ''}' (it has: ${hosts.join(', ')})`,
    );
  return { env, vhost };
}

/**
 * Deploys a revision to environments (replacing whatever revision ran there) and sends each
 * gateway the API as it will run: the revision's snapshot plus the API's live status.
 */
export async function deployRevision(
  prisma: PrismaClient,
  apiId: string,
  revisionId: string,
  targets: DeploymentTarget[],
) {
  if (!targets.length) throw badRequest('Name at least one environment to deploy to');
  return prisma.$transaction((tx) => deployRevisionIn(tx, apiId, revisionId, targets));
}

/** Deploys a revision to environments inside the caller's transaction. */
export async function deployRevisionIn(
  tx: TransactionClient,
  apiId: string,
  revisionId: string,
  targets: DeploymentTarget[],
) {
  await lockApi(tx, apiId);
  const api = await tx.api.findUnique({ where: { id: apiId } });
  if (!api) throw notFound('API');
  if (api.lifecycleStatus === 'RETIRED') throw conflict('A retired API cannot be deployed');
  const rev = await loadRevision(tx, apiId, revisionId);
  for (const target of targets) {
    const { env, vhost } = await environmentFor(tx, target, api.hosts);
    await gatewayWrites.api.deploy(tx, {
      api,
      revision: { id: revisionId, snapshot: rev.snapshot },
      environment: env,
      vhost,
      displayOnDevportal: target.displayOnDevportal ?? true,
    });
  }
  return deploymentDtos(tx, (await loadRevision(tx, apiId, revisionId)).deployments);
}

export async function undeployRevision(
  prisma: PrismaClient,
  apiId: string,
  revisionId: string,
  targets: DeploymentTarget[],
  allEnvironments: boolean,
) {
  return prisma.$transaction(async (tx) => {
    await lockApi(tx, apiId);
    const rev = await loadRevision(tx, apiId, revisionId);
    const names = allEnvironments
      ? rev.deployments.map((d) => d.environment.name)
      : targets.map((t) => t.name);
    if (!names.length)
      throw badRequest('Name at least one environment to undeploy from, or set allEnvironments=true');
    for (const name of names) {
      const d = rev.deployments.find((x) => x.environment.name === name);
      if (!d) throw badRequest(`The revision is not deployed to '${name}'`);
      await gatewayWrites.api.undeploy(tx, { id: d.id, apiId, environment: name });
    }
    return deploymentDtos(tx, (await loadRevision(tx, apiId, revisionId)).deployments);
  });
}

export async function listDeployments(prisma: PrismaClient, apiId: string) {
  await loadApi(prisma, apiId);
  const rows = await prisma.revisionDeployment.findMany({ where: { apiId }, include: { environment: true } });
  return deploymentDtos(prisma, rows);
}

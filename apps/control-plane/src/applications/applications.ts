/** Applications of the developer portal: created (maybe pending approval), changed, deleted. */
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import { type Prisma, type PrismaClient, type TransactionClient } from '@apim/db';
import type { Complete, Devportal } from '@apim/rest-contract';
import type { Logger } from '@apim/service';
import type { Principal } from '../http/auth.js';
import { badRequest, conflictOnDuplicate } from '../http/errors.js';
import { needsApproval } from '../workflows/queue.js';
import type { KeyManagerClient } from './key-manager-client.js';
import { deleteRegisteredClientsOf, isRegisteredExternally } from './registered-clients.js';
import { ownedApplication } from './access.js';
import { gatewayWrites } from '../model/gateway-writes.js';

type AppRow = Prisma.ApplicationGetPayload<{ include: { owner: true } }>;

export function applicationDto(
  app: AppRow,
  extra: { subscriptionCount?: number; keys?: unknown[] } = {},
): Complete<Devportal.Application> {
  return {
    applicationId: app.id,
    name: app.name,
    throttlingPolicy: app.throttlingPolicy,
    description: app.description,
    tokenType: app.tokenType === 'OPAQUE' ? 'OAUTH' : 'JWT',
    status: app.status,
    groups: [],
    subscriptionCount: extra.subscriptionCount ?? 0,
    keys: extra.keys ?? [],
    attributes: (app.attributes as Record<string, string> | null) ?? {},
    owner: app.owner.username,
    createdTime: app.createdAt.toISOString(),
    updatedTime: app.updatedAt.toISOString(),
  };
}

async function checkTier(prisma: PrismaClient | TransactionClient, name: string) {
  const tier = await prisma.throttlingPolicy.findUnique({
    where: { type_name: { type: 'APPLICATION', name } },
  });
  if (!tier) throw badRequest(`'${name}' is not an application throttling policy`);
}

const nameTaken = (name: string) => conflictOnDuplicate(`You already have an application named '${name}'`);

export async function createApplication(
  prisma: PrismaClient,
  principal: Principal,
  input: Devportal.Application,
) {
  return prisma.$transaction((tx) => createApplicationIn(tx, principal, input));
}

/** Creates an application of `owner` (pending approval when the workflow says so) in the caller's transaction. */
export async function createApplicationIn(
  tx: TransactionClient,
  owner: Pick<Principal, 'userId' | 'username'>,
  input: Devportal.Application,
) {
  await checkTier(tx, input.throttlingPolicy);
  const pending = await needsApproval(tx, 'APPLICATION_CREATION');
  const app = await gatewayWrites.application
    .create(tx, {
      data: {
        name: input.name,
        ownerId: owner.userId,
        ...applicationFields(input),
        status: pending ? 'CREATED' : 'APPROVED',
      },
    })
    .catch(nameTaken(input.name));
  if (pending)
    await tx.workflow.create({
      data: {
        type: 'APPLICATION_CREATION',
        referenceId: app.id,
        createdById: owner.userId,
        properties: {
          applicationName: app.name,
          owner: owner.username,
          throttlingPolicy: app.throttlingPolicy,
        },
      },
    });
  return app;
}

/** The row fields an application resource sets, defaults filled in. */
export function applicationFields(input: Devportal.Application) {
  return {
    description: input.description ?? null,
    throttlingPolicy: input.throttlingPolicy,
    tokenType: input.tokenType === 'OAUTH' ? ('OPAQUE' as const) : ('JWT' as const),
    attributes: input.attributes ?? {},
  };
}

export async function updateApplication(
  prisma: PrismaClient,
  principal: Principal,
  applicationId: string,
  input: Devportal.Application,
) {
  return prisma.$transaction(async (tx) => {
    await ownedApplication(tx, principal, applicationId);
    return updateApplicationIn(tx, applicationId, input);
  });
}

export async function updateApplicationIn(
  tx: TransactionClient,
  applicationId: string,
  input: Devportal.Application,
) {
  await checkTier(tx, input.throttlingPolicy);
  return gatewayWrites.application
    .update(tx, {
      where: { id: applicationId },
      data: { name: input.name, ...applicationFields(input) },
    })
    .catch(nameTaken(input.name));
}

/**
 * Deletes the application with its subscriptions and keys (gateways told of each), then removes
 * the OAuth clients it created: at the resident key manager, and at external ones by RFC 7592.
 */
export async function deleteApplication(
  prisma: PrismaClient,
  keyManager: KeyManagerClient,
  log: Logger,
  internalSecret: string,
  principal: Principal,
  applicationId: string,
) {
  const removed = await prisma.$transaction(async (tx) =>
    deleteApplicationIn(tx, await ownedApplication(tx, principal, applicationId)),
  );
  await deleteClientsOf(keyManager, log, internalSecret, removed);
}

/** Deletes the application with its subscriptions and keys (gateways told of each) in the caller's transaction. */
export async function deleteApplicationIn(tx: TransactionClient, app: { id: string }) {
  const { keys } = await gatewayWrites.application.delete(tx, app);
  await tx.workflow.updateMany({
    where: { referenceId: app.id, status: 'CREATED' },
    data: { status: 'REJECTED', comment: 'application deleted' },
  });
  // Only clients we created are ours to delete, once the deletion has committed: resident ones,
  // and external ones we registered (deleted at their provider with the RFC 7592 credentials
  // kept at registration; without them they stay there). Mapped clients belong to someone else.
  // Gateways refuse the tokens of all of them once the mappings are gone.
  return {
    clients: keys.filter((k) => k.keyManager === RESIDENT_KEY_MANAGER && !k.mapped).map((k) => k.consumerKey),
    registered: keys.filter(isRegisteredExternally),
  };
}

/** Removes the OAuth clients of a deleted application: at the resident key manager, and at external ones by RFC 7592. */
export async function deleteClientsOf(
  keyManager: KeyManagerClient,
  log: Logger,
  internalSecret: string,
  { clients, registered }: Awaited<ReturnType<typeof deleteApplicationIn>>,
) {
  // a provider that refuses is logged, as below: the application is gone either way
  await deleteRegisteredClientsOf(log, internalSecret, registered);
  for (const clientId of clients) {
    // Gateways already refuse the client (its key mapping is gone); a client the key manager
    // could not delete now is only clutter, so log it rather than fail the request.
    await keyManager
      .deleteClient(clientId)
      .catch((err: unknown) => log.warn({ err, clientId }, 'could not delete OAuth client'));
  }
}

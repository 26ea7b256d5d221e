/**
 * The writes a gateway must know about, each with its gateway event: every function here writes
 * the row(s) inside the caller's transaction and appends the matching event, its payload made from
 * the row just written by the view functions of @apim/gateway-model, in one call. The rest of the
 * control plane never writes these rows nor appends gateway events itself (eslint.config.js
 * refuses both outside this file), so no write can forget its event. Reads stay plain Prisma.
 *
 * Event types, payloads and their order are the gateway event log's contract
 * (packages/contracts/src/events.ts): gateways apply them strictly in order.
 */
import type { ApiSnapshot, LifecycleStatus } from '@apim/contracts';
import { appendGatewayEvent, type Prisma, type TransactionClient } from '@apim/db';
import {
  gatewayApi,
  gatewayApplication,
  gatewayAuthorizer,
  gatewayDenyPolicy,
  gatewayIssuer,
  gatewayKeyMapping,
  gatewayPolicy,
  gatewaySubscription,
} from '@apim/gateway-model';

type Tx = TransactionClient;
type SubscriptionRow = Prisma.SubscriptionGetPayload<object>;
type KeyRow = Prisma.ApplicationKeyGetPayload<object>;
type NoSelect<T> = Omit<T, 'select' | 'omit'>;
/** A conditional group of a policy, as written (its policy and position are the helper's). */
export type ConditionalGroupData = Omit<Prisma.ConditionalGroupUncheckedCreateInput, 'policyId' | 'position'>;

/** The subscriptions of applications to APIs. */
const subscription = {
  async create<T extends NoSelect<Prisma.SubscriptionCreateArgs>>(
    tx: Tx,
    args: Prisma.SelectSubset<T, Prisma.SubscriptionCreateArgs>,
  ) {
    const row = await tx.subscription.create<T>(args);
    await appendGatewayEvent(tx, 'SUBSCRIPTION_UPSERTED', {
      subscription: gatewaySubscription(row as unknown as SubscriptionRow),
    });
    return row;
  },

  async update<T extends NoSelect<Prisma.SubscriptionUpdateArgs>>(
    tx: Tx,
    args: Prisma.SelectSubset<T, Prisma.SubscriptionUpdateArgs>,
  ) {
    const row = await tx.subscription.update<T>(args);
    await appendGatewayEvent(tx, 'SUBSCRIPTION_UPSERTED', {
      subscription: gatewaySubscription(row as unknown as SubscriptionRow),
    });
    return row;
  },

  /**
   * Records a tier change waiting for approval: the requested tier is no part of a gateway's view
   * (the subscription keeps its tier until the workflow is approved), so no event.
   */
  requestTier<T extends NoSelect<Prisma.SubscriptionUpdateArgs>>(
    tx: Tx,
    args: Prisma.SelectSubset<T, Prisma.SubscriptionUpdateArgs> & {
      data: { requestedThrottlingPolicy: string };
    },
  ) {
    return tx.subscription.update<T>(args);
  },

  async delete(tx: Tx, s: { id: string; applicationId: string; apiId: string }): Promise<void> {
    await tx.subscription.delete({ where: { id: s.id } });
    await appendGatewayEvent(tx, 'SUBSCRIPTION_DELETED', {
      subscriptionId: s.id,
      applicationId: s.applicationId,
      apiId: s.apiId,
    });
  },
};

/** Applications (always written with their owner, whose name is part of the gateway's view). */
const application = {
  async create(tx: Tx, args: { data: Prisma.ApplicationUncheckedCreateInput }) {
    const row = await tx.application.create({ ...args, include: { owner: true } });
    await appendGatewayEvent(tx, 'APPLICATION_UPSERTED', { application: gatewayApplication(row) });
    return row;
  },

  async update(
    tx: Tx,
    args: { where: Prisma.ApplicationWhereUniqueInput; data: Prisma.ApplicationUpdateInput },
  ) {
    const row = await tx.application.update({ ...args, include: { owner: true } });
    await appendGatewayEvent(tx, 'APPLICATION_UPSERTED', { application: gatewayApplication(row) });
    return row;
  },

  /**
   * Deletes the application with its subscriptions and keys (the database cascades), telling
   * gateways of each subscription and key mapping, then of the application. Returns what went.
   */
  async delete(tx: Tx, app: { id: string }): Promise<{ subscriptions: SubscriptionRow[]; keys: KeyRow[] }> {
    const subscriptions = await tx.subscription.findMany({ where: { applicationId: app.id } });
    const keys = await tx.applicationKey.findMany({ where: { applicationId: app.id } });
    await tx.application.delete({ where: { id: app.id } });
    for (const s of subscriptions)
      await appendGatewayEvent(tx, 'SUBSCRIPTION_DELETED', {
        subscriptionId: s.id,
        applicationId: app.id,
        apiId: s.apiId,
      });
    for (const k of keys)
      await appendGatewayEvent(tx, 'KEY_MAPPING_DELETED', {
        consumerKey: k.consumerKey,
        keyManager: k.keyManager,
      });
    await appendGatewayEvent(tx, 'APPLICATION_DELETED', { applicationId: app.id });
    return { subscriptions, keys };
  },
};

/** Application keys: the mapping of an OAuth client to an application, per key type and key manager. */
const keyMapping = {
  async create(tx: Tx, args: { data: Prisma.ApplicationKeyUncheckedCreateInput }) {
    const row = await tx.applicationKey.create(args);
    await appendGatewayEvent(tx, 'KEY_MAPPING_UPSERTED', { keyMapping: gatewayKeyMapping(row) });
    return row;
  },

  async delete(tx: Tx, key: { id: string; consumerKey: string; keyManager: string }): Promise<void> {
    await tx.applicationKey.delete({ where: { id: key.id } });
    await appendGatewayEvent(tx, 'KEY_MAPPING_DELETED', {
      consumerKey: key.consumerKey,
      keyManager: key.keyManager,
    });
  },
};

/** Writes a policy's conditional groups (when given), then tells gateways of the policy as it now is. */
async function publishPolicy(tx: Tx, policyId: string, groups: (() => ConditionalGroupData[]) | undefined) {
  if (groups) {
    await tx.conditionalGroup.deleteMany({ where: { policyId } });
    // made only now, after the policy's own write, so a bad group is refused after a bad policy
    for (const [position, g] of groups().entries())
      await tx.conditionalGroup.create({ data: { ...g, policyId, position } });
  }
  const row = await tx.throttlingPolicy.findUniqueOrThrow({
    where: { id: policyId },
    include: { conditionalGroups: true },
  });
  await appendGatewayEvent(tx, 'POLICY_UPSERTED', { policy: gatewayPolicy(row) });
  return row;
}

/**
 * Throttling policies with their conditional groups. `conditionalGroups` (when given) replaces the
 * policy's groups; it is called after the policy's write, and may throw to refuse the change.
 */
const policy = {
  async create(
    tx: Tx,
    args: {
      data: Prisma.ThrottlingPolicyUncheckedCreateInput;
      conditionalGroups?: () => ConditionalGroupData[];
    },
  ) {
    const created = await tx.throttlingPolicy.create({ data: args.data });
    return publishPolicy(tx, created.id, args.conditionalGroups);
  },

  async update(
    tx: Tx,
    args: {
      where: { id: string };
      data: Prisma.ThrottlingPolicyUncheckedUpdateInput;
      conditionalGroups?: () => ConditionalGroupData[];
    },
  ) {
    await tx.throttlingPolicy.update({ where: args.where, data: args.data });
    return publishPolicy(tx, args.where.id, args.conditionalGroups);
  },

  async delete(
    tx: Tx,
    p: { id: string; type: Prisma.ThrottlingPolicyGetPayload<object>['type']; name: string },
  ) {
    await tx.throttlingPolicy.delete({ where: { id: p.id } });
    await appendGatewayEvent(tx, 'POLICY_DELETED', { type: p.type, name: p.name });
  },
};

/** Deny policies (blocking conditions). */
const denyPolicy = {
  async create(tx: Tx, args: { data: Prisma.DenyPolicyCreateInput }) {
    const row = await tx.denyPolicy.create(args);
    await appendGatewayEvent(tx, 'DENY_POLICY_UPSERTED', { denyPolicy: gatewayDenyPolicy(row) });
    return row;
  },

  async update(tx: Tx, args: { where: { id: string }; data: Prisma.DenyPolicyUpdateInput }) {
    const row = await tx.denyPolicy.update(args);
    await appendGatewayEvent(tx, 'DENY_POLICY_UPSERTED', { denyPolicy: gatewayDenyPolicy(row) });
    return row;
  },

  async delete(tx: Tx, row: { id: string }) {
    await tx.denyPolicy.delete({ where: { id: row.id } });
    await appendGatewayEvent(tx, 'DENY_POLICY_DELETED', { id: row.id });
  },
};

/** Key managers: the token issuers gateways trust. */
const issuer = {
  async create(tx: Tx, args: { data: Prisma.TrustedIssuerCreateInput }) {
    const row = await tx.trustedIssuer.create(args);
    await appendGatewayEvent(tx, 'ISSUER_UPSERTED', { issuer: gatewayIssuer(row) });
    return row;
  },

  async update(tx: Tx, args: { where: { id: string }; data: Prisma.TrustedIssuerUpdateInput }) {
    const row = await tx.trustedIssuer.update(args);
    await appendGatewayEvent(tx, 'ISSUER_UPSERTED', { issuer: gatewayIssuer(row) });
    return row;
  },

  /**
   * Deletes the key manager and the application keys it issued; gateways drop their mappings on
   * ISSUER_DELETED. Returns the keys that went.
   */
  async delete(tx: Tx, row: { id: string; name: string }): Promise<KeyRow[]> {
    const removed = await tx.applicationKey.findMany({ where: { keyManager: row.name } });
    await tx.applicationKey.deleteMany({ where: { keyManager: row.name } });
    await tx.trustedIssuer.delete({ where: { id: row.id } });
    await appendGatewayEvent(tx, 'ISSUER_DELETED', { id: row.id });
    return removed;
  },
};

/** External authorizers, which rules name (extAuth): gateways find them by name on each request. */
const authorizer = {
  async create(tx: Tx, args: { data: Prisma.ExternalAuthorizerCreateInput }) {
    const row = await tx.externalAuthorizer.create(args);
    await appendGatewayEvent(tx, 'AUTHORIZER_UPSERTED', { authorizer: gatewayAuthorizer(row) });
    return row;
  },

  async update(tx: Tx, args: { where: { id: string }; data: Prisma.ExternalAuthorizerUpdateInput }) {
    const row = await tx.externalAuthorizer.update(args);
    await appendGatewayEvent(tx, 'AUTHORIZER_UPSERTED', { authorizer: gatewayAuthorizer(row) });
    return row;
  },

  async delete(tx: Tx, row: { id: string; name: string }): Promise<void> {
    await tx.externalAuthorizer.delete({ where: { id: row.id } });
    await appendGatewayEvent(tx, 'AUTHORIZER_DELETED', { name: row.name });
  },
};

/** Where an API's revisions run, its lifecycle status and default version. */
const api = {
  /**
   * Deploys a revision to an environment (replacing whatever revision ran there) and sends gateways
   * the API as it will run: the revision's snapshot plus the API's live status.
   */
  async deploy(
    tx: Tx,
    args: {
      api: { id: string; lifecycleStatus: LifecycleStatus; isDefaultVersion: boolean };
      revision: { id: string; snapshot: unknown };
      environment: { id: string; name: string };
      vhost: string;
      displayOnDevportal: boolean;
    },
  ): Promise<void> {
    const { api: a, revision, environment, vhost } = args;
    const data = {
      revisionId: revision.id,
      vhost,
      displayOnDevportal: args.displayOnDevportal,
      deployedAt: new Date(),
    };
    await tx.revisionDeployment.upsert({
      where: { apiId_environmentId: { apiId: a.id, environmentId: environment.id } },
      create: { apiId: a.id, environmentId: environment.id, ...data },
      update: data,
    });
    await appendGatewayEvent(tx, 'API_DEPLOYED', {
      api: gatewayApi(
        revision.snapshot as ApiSnapshot,
        { revisionId: revision.id, environment: environment.name, vhost },
        { lifecycleStatus: a.lifecycleStatus, isDefaultVersion: a.isDefaultVersion },
      ),
    });
  },

  /** Removes a deployment (by its id) of the API from the named environment. */
  async undeploy(tx: Tx, d: { id: string; apiId: string; environment: string }): Promise<void> {
    await tx.revisionDeployment.delete({ where: { id: d.id } });
    await appendGatewayEvent(tx, 'API_UNDEPLOYED', { apiId: d.apiId, environment: d.environment });
  },

  async setStatus(tx: Tx, apiId: string, lifecycleStatus: LifecycleStatus): Promise<void> {
    await tx.api.update({ where: { id: apiId }, data: { lifecycleStatus } });
    await appendGatewayEvent(tx, 'API_STATUS_CHANGED', { apiId, lifecycleStatus });
  },

  /** Makes the API the default version of its context (the others of it stop being) or stops it being one. */
  async setDefaultVersion(tx: Tx, a: { id: string; context: string; version: string }, on: boolean) {
    if (on) {
      await tx.api.updateMany({
        where: { context: a.context, id: { not: a.id } },
        data: { isDefaultVersion: false },
      });
    }
    await tx.api.update({ where: { id: a.id }, data: { isDefaultVersion: on } });
    await appendGatewayEvent(tx, 'API_DEFAULT_VERSION_CHANGED', {
      apiId: a.id,
      context: a.context,
      defaultVersion: on ? a.version : null,
    });
  },

  /**
   * Deletes the API (its deployments, operations and revisions go with it), telling gateways it is
   * undeployed everywhere and, when it was, no longer the default version of its context.
   */
  async delete(tx: Tx, a: { id: string; context: string; isDefaultVersion: boolean }): Promise<void> {
    const deployments = await tx.revisionDeployment.findMany({
      where: { apiId: a.id },
      include: { environment: true },
    });
    for (const d of deployments)
      await appendGatewayEvent(tx, 'API_UNDEPLOYED', { apiId: a.id, environment: d.environment.name });
    if (a.isDefaultVersion)
      await appendGatewayEvent(tx, 'API_DEFAULT_VERSION_CHANGED', {
        apiId: a.id,
        context: a.context,
        defaultVersion: null,
      });
    await tx.api.delete({ where: { id: a.id } });
  },
};

/**
 * Users and roles: gateways cache the Basic credentials they verified, and forget a user's on
 * USER_CHANGED (disabled, deleted, or a new password or roles).
 */
const user = {
  /**
   * Changes a user (and replaces their roles when `roles` is given); gateways are told when their
   * roles, password or enabled state changed.
   */
  async update(
    tx: Tx,
    current: { id: string; enabled: boolean },
    args: { data: Prisma.UserUpdateInput; roles?: string[] },
  ) {
    if (args.roles) {
      await tx.userRole.deleteMany({ where: { userId: current.id } });
      await tx.userRole.createMany({
        data: [...new Set(args.roles)].map((roleName) => ({ userId: current.id, roleName })),
      });
    }
    const row = await tx.user.update({
      where: { id: current.id },
      data: args.data,
      include: { roles: true },
    });
    if (args.roles || args.data.passwordHash || row.enabled !== current.enabled)
      await appendGatewayEvent(tx, 'USER_CHANGED', { username: row.username });
    return row;
  },

  async delete(tx: Tx, u: { id: string; username: string }): Promise<void> {
    await tx.user.delete({ where: { id: u.id } });
    await appendGatewayEvent(tx, 'USER_CHANGED', { username: u.username });
  },

  /** Deletes a role; each user who held it changes. */
  async deleteRole(tx: Tx, name: string): Promise<void> {
    const holders = await tx.userRole.findMany({
      where: { roleName: name },
      select: { user: { select: { username: true } } },
    });
    await tx.role.delete({ where: { name } });
    for (const h of holders) await appendGatewayEvent(tx, 'USER_CHANGED', { username: h.user.username });
  },
};

export const gatewayWrites = {
  subscription,
  application,
  keyMapping,
  policy,
  denyPolicy,
  issuer,
  authorizer,
  api,
  user,
};

/**
 * After an apply has committed: waits for the gateways' answer about the APIs it deployed, and
 * stores and answers each one's state: Ready once every running gateway serves it, Error with
 * the gateway's reason when one refused it, Processing with what it waits for at the deadline.
 */
import type { Admin } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { waitForDeployments } from '../apis/deployment-status.js';
import { targetKindOf, type ManifestState } from './managed-objects.js';

/** An applied object's result or status: what the wait reads and updates. */
type Settling = Pick<Admin.ManifestObjectResult, 'kind' | 'name' | 'objectId' | 'state' | 'description'>;

async function settle(ctx: AppContext, apiId: string, timeoutMs: number) {
  const deployments = await ctx.prisma.revisionDeployment.findMany({
    where: { apiId },
    include: { environment: true },
  });
  const byRevision = new Map<string, string[]>();
  for (const d of deployments)
    byRevision.set(d.revisionId, [...(byRevision.get(d.revisionId) ?? []), d.environment.name]);
  const statuses = (
    await Promise.all(
      [...byRevision].map(async ([revisionId, environments]) =>
        Object.values(await waitForDeployments(ctx.prisma, apiId, revisionId, environments, timeoutMs)),
      ),
    )
  ).flat();
  const failed = statuses.filter((s) => s.status === 'FAILED');
  const pending = statuses.filter((s) => s.status === 'PENDING');
  const state: ManifestState = failed.length ? 'Error' : pending.length ? 'Processing' : 'Ready';
  const description = [...failed, ...pending].map((s) => s.statusReason).join('; ') || null;
  return { state, description };
}

/** The results with the gateways' answer for every API still Processing (waitSeconds 0: not waited for). */
export async function awaitGateways<T extends Settling>(
  ctx: AppContext,
  results: T[],
  waitSeconds: number,
): Promise<T[]> {
  return Promise.all(
    results.map(async (r) => {
      if (r.state !== 'Processing' || targetKindOf(r.kind) !== 'API' || !r.objectId) return r;
      const settled = await settle(ctx, r.objectId, waitSeconds * 1000);
      await ctx.prisma.managedObject.updateMany({ where: { kind: r.kind, name: r.name }, data: settled });
      return { ...r, ...settled };
    }),
  );
}

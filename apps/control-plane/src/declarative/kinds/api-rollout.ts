/**
 * How an applied API reaches the gateways: its lifecycle state, a new revision when its content
 * changed (the oldest undeployed one makes room at the limit), deployed to the environments the
 * manifest names and undeployed from the others, all inside the apply's transaction.
 */
import type { LifecycleStatus } from '@apim/contracts';
import { badRequest, conflict } from '../../http/errors.js';
import { applyLifecycle, canReach } from '../../apis/lifecycle.js';
import { createRevisionIn, deployRevisionIn, MAX_REVISIONS } from '../../apis/revisions.js';
import { gatewayWrites } from '../../model/gateway-writes.js';
import type { ApiSpec, ApiDeployment } from '@apim/manifests';
import type { ReconcileScope } from './kind.js';

export async function changeLifecycle(
  s: ReconcileScope,
  apiId: string,
  from: LifecycleStatus,
  to: LifecycleStatus,
) {
  if (from === to) return;
  if (!canReach(from, to))
    throw badRequest(`'lifecycleStatus' cannot go from ${from} to ${to} (no lifecycle action leads there)`);
  await applyLifecycle(s.tx, apiId, to);
}

/** Deletes the oldest revision deployed nowhere when the API has as many as it may keep. */
async function makeRoomForRevision(s: ReconcileScope, apiId: string): Promise<void> {
  const revisions = await s.tx.apiRevision.findMany({
    where: { apiId },
    include: { deployments: { select: { id: true } } },
    orderBy: { revisionNumber: 'asc' },
  });
  if (revisions.length < MAX_REVISIONS) return;
  const oldest = revisions.find((r) => !r.deployments.length);
  if (!oldest)
    throw conflict(`The API has ${MAX_REVISIONS} revisions, all deployed: undeploy one to apply a change`);
  await s.tx.apiRevision.delete({ where: { id: oldest.id } });
}

const sameTarget = (d: ApiDeployment, row: { vhost: string; displayOnDevportal: boolean }) =>
  d.vhost === row.vhost && (d.displayOnDevportal ?? true) === row.displayOnDevportal;

/**
 * Deploys the API as `spec.deployments` say: a new revision when `contentChanged` (or none was
 * taken yet), else the revision already running, to each environment not already serving it there.
 */
export async function rollOut(s: ReconcileScope, apiId: string, spec: ApiSpec, contentChanged: boolean) {
  const wanted = spec.deployments ?? [];
  const running = await s.tx.revisionDeployment.findMany({
    where: { apiId },
    include: { environment: true },
  });
  for (const d of running)
    if (!wanted.some((w) => w.environment === d.environment.name))
      await gatewayWrites.api.undeploy(s.tx, { id: d.id, apiId, environment: d.environment.name });
  if (!wanted.length) return;
  const latest = await s.tx.apiRevision.findFirst({ where: { apiId }, orderBy: { revisionNumber: 'desc' } });
  let revisionId = running[0]?.revisionId ?? latest?.id;
  if (contentChanged || !revisionId) {
    await makeRoomForRevision(s, apiId);
    revisionId = (await createRevisionIn(s.tx, apiId, 'applied from a manifest')).id;
  }
  const targets = wanted.filter((w) => {
    const row = running.find((d) => d.environment.name === w.environment);
    return !row || row.revisionId !== revisionId || !sameTarget(w, row);
  });
  if (targets.length)
    await deployRevisionIn(
      s.tx,
      apiId,
      revisionId,
      targets.map((t) => ({ name: t.environment, vhost: t.vhost, displayOnDevportal: t.displayOnDevportal })),
    );
}

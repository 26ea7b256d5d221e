/**
 * The reconcile core: takes the objects manifests ask for and makes the model match them in ONE
 * transaction (two applies never interleave: an advisory lock), in dependency order, each object
 * through its domain's own functions, then records what made it. A dry run does exactly the same
 * and rolls back, so it finds every error the apply would.
 */
import type { Admin } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import type { DesiredObject, TargetKind, ValidatedManifests } from '@apim/manifests';
import { diffSpecs } from './diff.js';
import { handlerOf, KIND_ORDER } from './kinds/index.js';
import type { ReconcileScope } from './kinds/kind.js';
import {
  existingRoutes,
  recordManaged,
  targetKindOf,
  type ExistingRoute,
  type ManifestState,
} from './managed-objects.js';

const APPLY_LOCK_ID = 7_320_241_200;
/** an apply of thousands of objects runs for a while; the second of two waits for the first */
const TRANSACTION = { timeout: 10 * 60_000, maxWait: 60_000 };

export type ObjectResult = Admin.ManifestObjectResult;

export interface ReconcileRequest {
  mode: 'apply' | 'delete';
  dryRun: boolean;
  /** objects applied before under `label` and absent now are deleted */
  prune: boolean;
  label?: string;
  /** validates the manifests against the routes already served (read under the lock) */
  prepare(routes: ExistingRoute[]): ValidatedManifests | Promise<ValidatedManifests>;
}

/** Refused manifests: nothing was changed. */
export class ManifestRejected extends HttpError {
  constructor(readonly problems: Admin.ManifestProblem[]) {
    super(400, problems.map((p) => p.message).join('; '));
  }
}

class DryRun {
  constructor(readonly results: ObjectResult[]) {}
}

const order = (kind: TargetKind) => KIND_ORDER.indexOf(kind);

/** A domain's refusal, naming the object (and where it was written) it concerns. */
function refusal(object: DesiredObject, e: unknown): unknown {
  if (!(e instanceof HttpError) || e instanceof ManifestRejected) return e;
  const message = `${object.manifest.kind} ${object.manifest.name}: ${e.description}`;
  if (e.status !== 400) return new HttpError(e.status, message, e.headers);
  return new ManifestRejected([
    { file: object.source?.file ?? null, document: object.source?.index ?? 0, pointer: '/spec', message },
  ]);
}

async function applyObject(
  s: ReconcileScope,
  object: DesiredObject,
  label: string | null,
): Promise<ObjectResult> {
  const { kind, spec } = object.target;
  const handler = handlerOf(kind);
  const desired = await handler.desired(s, spec);
  const found = await handler.find(s, spec);
  const changes = found ? diffSpecs(await handler.current(s, found.id), desired) : [];
  const action = !found ? 'create' : changes.length ? 'update' : 'unchanged';
  let objectId = found?.id;
  if (!objectId) objectId = await handler.create(s, desired, spec);
  else if (changes.length) await handler.update(s, objectId, desired, changes, spec);
  const previous = await s.tx.managedObject.findUnique({
    where: { kind_name: { kind: object.manifest.kind, name: object.manifest.name } },
  });
  const awaitsGateways = kind === 'API' && !!(desired as { deployments?: unknown[] }).deployments?.length;
  const state =
    action === 'unchanged' && previous?.objectId === objectId
      ? (previous.state as ManifestState)
      : awaitsGateways
        ? 'Processing'
        : 'Ready';
  const description = state === previous?.state ? previous.description : null;
  await recordManaged(s.tx, {
    ...object.manifest,
    label,
    objectId,
    lastApplied: object.document,
    state,
    description,
    appliedBy: s.principal.username,
  });
  return { ...object.manifest, action, changes, objectId, state, description };
}

/** Deletes what a managed row made (gone already: nothing to do) and the row. */
async function deleteManaged(
  s: ReconcileScope,
  managed: { apiVersion: string; kind: string; name: string; objectId: string },
): Promise<ObjectResult> {
  try {
    await handlerOf(targetKindOf(managed.kind)).remove(s, managed.objectId);
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 404)) throw e;
  }
  await s.tx.managedObject.deleteMany({ where: { kind: managed.kind, name: managed.name } });
  const { apiVersion, kind, name, objectId } = managed;
  return { apiVersion, kind, name, objectId, action: 'delete', changes: [], state: 'Deleting' };
}

async function deleteObject(s: ReconcileScope, object: DesiredObject): Promise<ObjectResult> {
  const found = await handlerOf(object.target.kind).find(s, object.target.spec);
  if (!found)
    return { ...object.manifest, action: 'unchanged', objectId: null, description: 'does not exist' };
  return deleteManaged(s, { ...object.manifest, objectId: found.id });
}

/** Objects applied under the label before and not named now, newest kinds first. */
async function prune(s: ReconcileScope, label: string, kept: DesiredObject[]): Promise<ObjectResult[]> {
  const rows = await s.tx.managedObject.findMany({ where: { label } });
  const stale = rows
    .filter((r) => !kept.some((o) => o.manifest.kind === r.kind && o.manifest.name === r.name))
    .sort((a, b) => order(targetKindOf(b.kind)) - order(targetKindOf(a.kind)));
  const results: ObjectResult[] = [];
  for (const row of stale) results.push(await deleteManaged(s, row));
  return results;
}

export async function reconcile(
  ctx: AppContext,
  principal: ReconcileScope['principal'],
  request: ReconcileRequest,
): Promise<Admin.ManifestResult> {
  const label = request.label ?? null;
  const afterCommit: Array<() => Promise<void>> = [];
  let results: ObjectResult[];
  try {
    results = await ctx.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${APPLY_LOCK_ID}::bigint)`;
      const { objects, problems } = await request.prepare(await existingRoutes(tx));
      if (problems.length) throw new ManifestRejected(problems);
      const s: ReconcileScope = { tx, ctx, principal, afterCommit: (work) => afterCommit.push(work) };
      const out: ObjectResult[] = [];
      const sorted = [...objects].sort((a, b) => order(a.target.kind) - order(b.target.kind));
      if (request.mode === 'delete') sorted.reverse();
      for (const object of sorted)
        try {
          out.push(
            request.mode === 'delete' ? await deleteObject(s, object) : await applyObject(s, object, label),
          );
        } catch (e) {
          throw refusal(object, e);
        }
      if (request.mode === 'apply' && request.prune && label) out.push(...(await prune(s, label, objects)));
      if (request.dryRun) throw new DryRun(out);
      return out;
    }, TRANSACTION);
  } catch (e) {
    if (!(e instanceof DryRun)) throw e;
    results = e.results;
  }
  if (!request.dryRun) for (const work of afterCommit) await work();
  return {
    changed: results.some((r) => r.action !== 'unchanged'),
    dryRun: request.dryRun,
    objects: results,
  };
}

/** The ManagedObject rows: which object each manifest made, what was applied last, and its state. */
import type { Prisma, TransactionClient } from '@apim/db';
import type { Admin } from '@apim/rest-contract';
import type { TargetKind } from '@apim/manifests';

export type ManifestState = Admin.ManagedObjectStatus['state'];
type ManagedRow = Prisma.ManagedObjectGetPayload<object>;

/** The kind of object a manifest kind makes: an APIRule makes an API, the product's kinds themselves. */
export function targetKindOf(manifestKind: string): TargetKind {
  return (manifestKind === 'APIRule' ? 'API' : manifestKind) as TargetKind;
}

export function managedStatus(row: ManagedRow): Admin.ManagedObjectStatus {
  return {
    apiVersion: row.apiVersion,
    kind: row.kind,
    name: row.name,
    label: row.label,
    objectId: row.objectId,
    state: row.state as ManifestState,
    description: row.description,
    appliedAt: row.appliedAt.toISOString(),
    appliedBy: row.appliedBy,
  };
}

export interface ManagedWrite {
  apiVersion: string;
  kind: string;
  name: string;
  label: string | null;
  objectId: string;
  lastApplied: Record<string, unknown>;
  state: ManifestState;
  description: string | null;
  appliedBy: string;
}

export async function recordManaged(tx: TransactionClient, w: ManagedWrite): Promise<void> {
  const data = { ...w, lastApplied: w.lastApplied as Prisma.InputJsonValue, appliedAt: new Date() };
  await tx.managedObject.upsert({
    where: { kind_name: { kind: w.kind, name: w.name } },
    create: data,
    update: data,
  });
}

export interface ExistingRoute {
  host: string;
  path: string;
  /** the APIRule (namespace/name) or API (name:version) serving it */
  owner: string;
}

/** The host + path pairs APIs already answer at the root path (Kyma exposure), for the manifests' check. */
export async function existingRoutes(tx: TransactionClient): Promise<ExistingRoute[]> {
  // one query after another: a transaction's one connection only queues queries sent side by side
  const apis = await tx.api.findMany({
    where: { hosts: { isEmpty: false } },
    select: { id: true, name: true, version: true, hosts: true },
  });
  const ids = apis.map((a) => a.id);
  const operations = await tx.apiOperation.findMany({
    where: { apiId: { in: ids } },
    select: { apiId: true, target: true },
  });
  const rules = await tx.managedObject.findMany({
    where: { kind: 'APIRule', objectId: { in: ids } },
    select: { name: true, objectId: true },
  });
  return apis.flatMap((a) => {
    const owner = rules.find((r) => r.objectId === a.id)?.name ?? `${a.name}:${a.version}`;
    const paths = new Set(operations.filter((o) => o.apiId === a.id).map((o) => o.target));
    return a.hosts.flatMap((host) => [...paths].map((path) => ({ host, path, owner })));
  });
}

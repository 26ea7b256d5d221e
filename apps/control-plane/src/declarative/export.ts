/**
 * Export: every object (or those of a kind, or one by name) as the manifests that would make it
 * again. An API an APIRule made is its APIRule as last applied; everything else is built from the
 * database by the kinds' own spec functions (the ones the diff compares), secrets left out.
 */
import { PRODUCT_API_VERSION, type TargetKind } from '@apim/manifests';
import type { AppContext } from '../context.js';
import { handlerOf, KIND_ORDER } from './kinds/index.js';
import type { ReconcileScope } from './kinds/kind.js';

type Document = Record<string, unknown>;

/** The spec field a manifest names in metadata.name instead (and the identity it makes). */
function splitName(kind: TargetKind, spec: Document): { name?: string; spec: Document; identity: string } {
  const { name, policyName, ...rest } = spec as Document & { name?: string; policyName?: string };
  switch (kind) {
    case 'API':
      return { name, spec: rest, identity: `${name}:${String(rest.version)}` };
    case 'Application':
      return { name, spec: rest, identity: `${String(rest.owner)}/${name}` };
    case 'ThrottlingPolicy':
      return {
        name: policyName,
        spec: rest,
        identity: `${String(rest.policyType)}/${policyName}`,
      };
    case 'Subscription': {
      const s = spec as {
        application: { name: string; owner: string };
        api: { name: string; version: string };
      };
      return {
        spec,
        identity: `${s.application.owner}/${s.application.name}@${s.api.name}:${s.api.version}`,
      };
    }
    default:
      return { name, spec: rest, identity: String(name) };
  }
}

/** Fields at null or with only an answer's meaning are left out: a manifest says what it sets. */
function manifestSpec(spec: Document): Document {
  const { registrationTokenSet: _set, ...rest } = spec;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined));
}

export interface ExportFilter {
  kind?: string;
  name?: string;
}

export async function exportManifests(ctx: AppContext, filter: ExportFilter): Promise<Document[]> {
  return ctx.prisma.$transaction(async (tx) => {
    // export reads only: the scope's principal and after-commit work are never used
    const s = {
      tx,
      ctx,
      principal: { userId: '', username: '' },
      afterCommit: () => undefined,
    } as ReconcileScope;
    const documents: Document[] = [];
    for (const kind of KIND_ORDER) {
      if (filter.kind && filter.kind !== kind && !(filter.kind === 'APIRule' && kind === 'API')) continue;
      const handler = handlerOf(kind);
      for (const id of await handler.all(s)) {
        const managed = await tx.managedObject.findFirst({ where: { objectId: id } });
        // the kind filtered by is the manifest's: an APIRule-made API is an APIRule
        if (managed?.kind === 'APIRule') {
          const wanted =
            (!filter.kind || filter.kind === 'APIRule') && (!filter.name || filter.name === managed.name);
          if (wanted) documents.push(managed.lastApplied as Document);
          continue;
        }
        if (filter.kind === 'APIRule') continue;
        const { name, spec, identity } = splitName(
          kind,
          (await handler.current(s, id)) as unknown as Document,
        );
        if (filter.name && filter.name !== identity && filter.name !== name) continue;
        const labels = ((managed?.lastApplied as Document | undefined)?.metadata as Document | undefined)
          ?.labels;
        documents.push({
          apiVersion: PRODUCT_API_VERSION,
          kind,
          metadata: { ...(name !== undefined ? { name } : {}), ...(labels ? { labels } : {}) },
          spec: manifestSpec(spec),
        });
      }
    }
    return documents;
  });
}

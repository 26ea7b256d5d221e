/** What the reconcile core needs of each kind of object a manifest can make. */
import type { TransactionClient } from '@apim/db';
import type { AppContext } from '../../context.js';
import type { FieldChange } from '../diff.js';
import type { TargetSpecs, TargetKind } from '@apim/manifests';

/** What each kind's functions work with: the apply's transaction, the app, who applies. */
export interface ReconcileScope {
  tx: TransactionClient;
  ctx: AppContext;
  /** the user applying: provider of the APIs, default owner of the applications */
  principal: { userId: string; username: string };
  /** runs once the apply has committed (work outside the database: clients at key managers) */
  afterCommit(work: () => Promise<void>): void;
}

export interface KindHandler<K extends TargetKind> {
  kind: K;
  /** the existing object the spec names (by its identity), or null */
  find(s: ReconcileScope, spec: TargetSpecs[K]): Promise<{ id: string } | null>;
  /** the object as a spec in the manifest's shape, every default filled in, secrets left out */
  current(s: ReconcileScope, id: string): Promise<TargetSpecs[K]>;
  /** the manifest's spec with every default filled in: what `current` answers once it is applied */
  desired(s: ReconcileScope, spec: TargetSpecs[K]): Promise<TargetSpecs[K]>;
  /**
   * creates the object from a `desired` spec (`given`: the manifest's own, which may hold
   * write-only secrets); answers its id
   */
  create(s: ReconcileScope, spec: TargetSpecs[K], given: TargetSpecs[K]): Promise<string>;
  /** brings the object to a `desired` spec; `changes` say what differs */
  update(
    s: ReconcileScope,
    id: string,
    spec: TargetSpecs[K],
    changes: FieldChange[],
    given: TargetSpecs[K],
  ): Promise<void>;
  remove(s: ReconcileScope, id: string): Promise<void>;
  /** the ids of every object of the kind, for export */
  all(s: Pick<ReconcileScope, 'tx'>): Promise<string[]>;
}

/** The lifecycle: the current state and a button for each transition allowed from it. */
import { request } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { ErrorBox, Notice, QueryView, StatusBadge } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';
import { labelOf, LIFECYCLE_STATE_LABELS } from '../shared/labels';

export function LifecycleTab({ api }: { api: Complete<Publisher.API> }) {
  const state = useRest<Complete<Publisher.LifecycleState>>('publisher', `/apis/${api.id}/lifecycle-state`);
  const change = useRestMutation(
    (action: string) =>
      request('publisher', '/apis/change-lifecycle', { method: 'POST', query: { apiId: api.id, action } }),
    { stale: [['publisher', '/apis']] },
  );
  const deployments = useRest<unknown[]>('publisher', `/apis/${api.id}/deployments`);
  return (
    <div className="panel">
      <QueryView query={state} what="the lifecycle state">
        {(s) => (
          <>
            <p>
              Current state: <StatusBadge status={s.state} labels={LIFECYCLE_STATE_LABELS} />
            </p>
            {s.state === 'CREATED' && deployments.data?.length === 0 && (
              <p className="hint">
                Deploy a revision to a gateway environment before publishing, so subscribers can call it.
              </p>
            )}
            {s.availableTransitions.length === 0 ? (
              <p className="empty">No further transitions: this is the end of the lifecycle.</p>
            ) : (
              <div className="row" role="group" aria-label="Lifecycle actions">
                {s.availableTransitions.map((t) => (
                  <button
                    key={t.event}
                    type="button"
                    className={['Block', 'Retire', 'Deprecate'].includes(t.event) ? 'danger' : undefined}
                    disabled={change.isPending}
                    title={`Moves the API to ${labelOf(LIFECYCLE_STATE_LABELS, t.targetState)}`}
                    onClick={() => change.mutate(t.event)}
                  >
                    {t.event}
                  </button>
                ))}
              </div>
            )}
          </>
        )}
      </QueryView>
      <ErrorBox error={change.error} />
      {change.isSuccess && <Notice>The lifecycle state was changed.</Notice>}
    </div>
  );
}

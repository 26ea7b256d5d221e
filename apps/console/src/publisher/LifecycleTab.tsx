/** The lifecycle: the current state and a button for each transition allowed from it. */
import { request } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { ErrorBox, Notice, QueryView, StatusBadge, useConfirm, type Confirmation } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';
import { labelOf, LIFECYCLE_STATE_LABELS } from '../shared/labels';
import { useNotify } from '../shared/notify';

/** What each disruptive transition does to the people using the API, asked before it is made. */
const DISRUPTIVE: Record<string, Omit<Confirmation, 'title'>> = {
  Block: {
    effect: 'Every subscriber’s calls get 503 until the API is re-published.',
    confirm: 'Block',
  },
  Deprecate: {
    effect: 'No new subscriptions; existing ones keep working.',
    confirm: 'Deprecate',
  },
  'Demote to Created': {
    effect:
      'The API leaves the developer portal and its gateways stop serving it to subscribers until it is published again.',
    confirm: 'Demote to Created',
  },
  Retire: {
    effect:
      'The API stops serving calls for good and leaves the developer portal; its subscriptions end. It cannot be published again.',
    confirm: 'Retire',
  },
};

/**
 * The transitions that change the state: WSO2's lifecycle also lets a published API be published
 * (and a prototype be deployed as one) again, which the REST API keeps, but a button doing nothing
 * visible only misleads.
 */
const moves = (s: Complete<Publisher.LifecycleState>) =>
  s.availableTransitions.filter((t) => t.targetState !== s.state);

export function LifecycleTab({ api }: { api: Complete<Publisher.API> }) {
  const notify = useNotify();
  const confirm = useConfirm();
  const state = useRest<Complete<Publisher.LifecycleState>>('publisher', `/apis/${api.id}/lifecycle-state`);
  const change = useRestMutation(
    (action: string) =>
      request('publisher', '/apis/change-lifecycle', { method: 'POST', query: { apiId: api.id, action } }),
    {
      stale: [['publisher', '/apis']],
      onSuccess: (_, action) => {
        if (action === 'Publish' || action === 'Re-Publish')
          notify({
            message: `${api.name} ${api.version} published.`,
            next: { label: 'Open in the developer portal', to: `/devportal/apis/${api.id}` },
          });
      },
    },
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
            {moves(s).length === 0 ? (
              <p className="empty">No further transitions: this is the end of the lifecycle.</p>
            ) : (
              <div className="row" role="group" aria-label="Lifecycle actions">
                {moves(s).map((t) => (
                  <button
                    key={t.event}
                    type="button"
                    className={DISRUPTIVE[t.event] ? 'danger' : undefined}
                    disabled={change.isPending}
                    title={`Moves the API to ${labelOf(LIFECYCLE_STATE_LABELS, t.targetState)}`}
                    onClick={() => {
                      const disruptive = DISRUPTIVE[t.event];
                      if (!disruptive) change.mutate(t.event);
                      else
                        confirm.ask({ ...disruptive, title: `${t.event}: ${api.name} ${api.version}?` }, () =>
                          change.mutate(t.event),
                        );
                    }}
                  >
                    {t.event}
                  </button>
                ))}
              </div>
            )}
          </>
        )}
      </QueryView>
      {confirm.dialog}
      <ErrorBox error={change.error} />
      {change.isSuccess && <Notice>The lifecycle state was changed.</Notice>}
    </div>
  );
}

/**
 * The application's subscriptions: their tier and state, a tier change (held for approval when the
 * admin asks for it), unsubscribe, and subscribe to more APIs.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { DeleteButton, ErrorBox, ListTable, Notice, SelectField, StatusBadge } from '../shared/ui';
import { TierChange } from './TierChange';
import type { Complete, Devportal } from '@apim/rest-contract';
import { SUBSCRIPTION_STATUS_LABELS } from '../shared/labels';
import { useNotify } from '../shared/notify';

function AddSubscription({ app, taken }: { app: Complete<Devportal.Application>; taken: Set<string> }) {
  const apis = useRest<ListOf<Complete<Devportal.APIInfo>>>('devportal', '/apis', { limit: 100 });
  const [apiId, setApiId] = useState('');
  const [tier, setTier] = useState('');
  const notify = useNotify();
  const candidates = (apis.data?.list ?? []).filter((a) => !taken.has(a.id));
  const chosenApi = apiId || candidates[0]?.id || '';
  const api = useRest<Complete<Devportal.API>>('devportal', `/apis/${chosenApi}`, undefined, {
    enabled: !!chosenApi,
  });
  const tiers = (api.data?.tiers ?? []).map((t) => t.tierName);
  const chosenTier = tiers.includes(tier) ? tier : (tiers[0] ?? '');
  const subscribe = useRestMutation(
    () =>
      request<Complete<Devportal.Subscription>>('devportal', '/subscriptions', {
        json: { applicationId: app.applicationId, apiId: chosenApi, throttlingPolicy: chosenTier },
      }),
    {
      stale: [['devportal', '/subscriptions']],
      onSuccess: (s: Complete<Devportal.Subscription>) =>
        notify(
          s.status === 'ON_HOLD'
            ? { message: 'Subscription requested: it is waiting for an administrator’s approval.' }
            : {
                message: `Subscribed on ${s.throttlingPolicy}.`,
                next: {
                  label: 'Next: generate keys',
                  to: `/devportal/applications/${s.applicationId}/production-keys`,
                },
              },
        ),
    },
  );
  if (apis.isSuccess && candidates.length === 0)
    return <p className="muted">This application is subscribed to every published API.</p>;
  return (
    <form
      className="panel"
      onSubmit={(e) => {
        e.preventDefault();
        subscribe.mutate();
      }}
    >
      <h2>Subscribe to an API</h2>
      <div className="row">
        <SelectField
          label="API"
          value={chosenApi}
          options={candidates.map((a) => ({ value: a.id, label: `${a.name} ${a.version}` }))}
          onChange={setApiId}
        />
        <SelectField label="Tier" value={chosenTier} options={tiers} onChange={setTier} />
      </div>
      <ErrorBox error={subscribe.error ?? apis.error} />
      {subscribe.data?.status === 'ON_HOLD' && (
        <Notice>Requested: waiting for an administrator’s approval.</Notice>
      )}
      <button type="submit" disabled={subscribe.isPending || !chosenApi || !chosenTier}>
        Subscribe
      </button>
    </form>
  );
}

export function SubscriptionsTab({ app }: { app: Complete<Devportal.Application> }) {
  const subs = useRest<ListOf<Complete<Devportal.Subscription>>>('devportal', '/subscriptions', {
    applicationId: app.applicationId,
    limit: 100,
  });
  return (
    <>
      <ListTable
        query={subs}
        what="subscriptions"
        empty="Not subscribed to any API yet."
        rowKey={(s) => s.subscriptionId}
        columns={[
          {
            header: 'API',
            cell: (s) => (
              <Link to={`/devportal/apis/${s.apiId}`}>
                {s.apiInfo ? `${s.apiInfo.name} ${s.apiInfo.version}` : s.apiId}
              </Link>
            ),
          },
          {
            header: 'Tier',
            cell: (s) => (
              <>
                {s.throttlingPolicy}
                {s.requestedThrottlingPolicy && s.requestedThrottlingPolicy !== s.throttlingPolicy && (
                  <span className="muted"> ({s.requestedThrottlingPolicy} requested: pending approval)</span>
                )}
              </>
            ),
          },
          {
            header: 'Status',
            cell: (s) => <StatusBadge status={s.status} labels={SUBSCRIPTION_STATUS_LABELS} />,
          },
        ]}
        actions={(s) => (
          <>
            <TierChange app={app} subscription={s} />
            <DeleteButton
              api="devportal"
              path={`/subscriptions/${s.subscriptionId}`}
              stale={[['devportal', '/subscriptions']]}
              label={`Unsubscribe from ${s.apiInfo?.name ?? s.apiId}`}
              text="Unsubscribe"
              question={`Unsubscribe ${app.name} from ${s.apiInfo ? `${s.apiInfo.name} ${s.apiInfo.version}` : s.apiId}?`}
              effect="The application’s calls to this API are refused from now on; subscribe again to get them through."
            />
          </>
        )}
      />
      {subs.data && <AddSubscription app={app} taken={new Set(subs.data.list.map((s) => s.apiId))} />}
    </>
  );
}

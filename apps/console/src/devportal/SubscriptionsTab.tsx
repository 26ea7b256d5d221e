/** The application's subscriptions: their tier and state, unsubscribe, and subscribe to more APIs. */
import { useState } from 'react';
import { Link } from 'react-router';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { ErrorBox, Notice, QueryView, SelectField, StatusBadge } from '../shared/ui';
import type { Application, DevApi, DevApiInfo, Subscription } from './types';

function AddSubscription({ app, taken }: { app: Application; taken: Set<string> }) {
  const apis = useRest<ListOf<DevApiInfo>>('devportal', '/apis', { limit: 100 });
  const [apiId, setApiId] = useState('');
  const [tier, setTier] = useState('');
  const candidates = (apis.data?.list ?? []).filter((a) => !taken.has(a.id));
  const chosenApi = apiId || candidates[0]?.id || '';
  const api = useRest<DevApi>('devportal', `/apis/${chosenApi}`, undefined, { enabled: !!chosenApi });
  const tiers = (api.data?.tiers ?? []).map((t) => t.tierName);
  const chosenTier = tiers.includes(tier) ? tier : (tiers[0] ?? '');
  const subscribe = useRestMutation(
    () =>
      request<Subscription>('devportal', '/subscriptions', {
        json: { applicationId: app.applicationId, apiId: chosenApi, throttlingPolicy: chosenTier },
      }),
    { stale: [['devportal', '/subscriptions']] },
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

export function SubscriptionsTab({ app }: { app: Application }) {
  const subs = useRest<ListOf<Subscription>>('devportal', '/subscriptions', {
    applicationId: app.applicationId,
    limit: 100,
  });
  const remove = useRestMutation(
    (id: string) => request('devportal', `/subscriptions/${id}`, { method: 'DELETE' }),
    {
      stale: [['devportal', '/subscriptions']],
    },
  );
  return (
    <>
      <QueryView
        query={subs}
        what="subscriptions"
        isEmpty={(d) => d.list.length === 0}
        empty="Not subscribed to any API yet."
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">API</th>
                <th scope="col">Tier</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((s) => (
                <tr key={s.subscriptionId}>
                  <td>
                    <Link to={`/devportal/apis/${s.apiId}`}>
                      {s.apiInfo ? `${s.apiInfo.name} ${s.apiInfo.version}` : s.apiId}
                    </Link>
                  </td>
                  <td>
                    {s.throttlingPolicy}
                    {s.requestedThrottlingPolicy && s.requestedThrottlingPolicy !== s.throttlingPolicy && (
                      <span className="muted"> ({s.requestedThrottlingPolicy} requested)</span>
                    )}
                  </td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Unsubscribe from ${s.apiInfo?.name ?? s.apiId}`}
                      onClick={() => remove.mutate(s.subscriptionId)}
                    >
                      Unsubscribe
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <ErrorBox error={remove.error} />
      {subs.data && <AddSubscription app={app} taken={new Set(subs.data.list.map((s) => s.apiId))} />}
    </>
  );
}

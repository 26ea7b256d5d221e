/**
 * Moving a subscription to another of the API's tiers (WSO2's PUT /subscriptions/{id}). When the
 * admin has tier changes approved, the subscription keeps its tier and shows the requested one as
 * pending until an admin decides.
 */
import { useState } from 'react';
import type { Complete, Devportal } from '@apim/rest-contract';
import { request } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { ErrorBox, SelectField } from '../shared/ui';
import { useNotify } from '../shared/notify';

export function TierChange({
  app,
  subscription: s,
}: {
  app: Complete<Devportal.Application>;
  subscription: Complete<Devportal.Subscription>;
}) {
  const notify = useNotify();
  const pending = !!s.requestedThrottlingPolicy && s.requestedThrottlingPolicy !== s.throttlingPolicy;
  const active = s.status === 'UNBLOCKED' && !pending;
  const api = useRest<Complete<Devportal.API>>('devportal', `/apis/${s.apiId}`, undefined, {
    enabled: active,
  });
  const others = (api.data?.tiers ?? []).map((t) => t.tierName).filter((t) => t !== s.throttlingPolicy);
  const [tier, setTier] = useState('');
  const chosen = others.includes(tier) ? tier : (others[0] ?? '');
  const apiName = s.apiInfo ? `${s.apiInfo.name} ${s.apiInfo.version}` : s.apiId;
  const change = useRestMutation(
    () =>
      request<Complete<Devportal.Subscription>>('devportal', `/subscriptions/${s.subscriptionId}`, {
        method: 'PUT',
        json: { applicationId: app.applicationId, apiId: s.apiId, throttlingPolicy: chosen },
      }),
    {
      stale: [['devportal', '/subscriptions']],
      onSuccess: (after) =>
        notify({
          message:
            after.throttlingPolicy === chosen
              ? `${apiName} now on ${chosen}.`
              : `${chosen} requested for ${apiName}: it waits for an administrator’s approval, and the calls stay on ${after.throttlingPolicy} until then.`,
        }),
    },
  );
  if (!active || others.length === 0) return null;
  return (
    <form
      className="row"
      aria-label={`Change the tier of ${apiName}`}
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate();
      }}
    >
      <SelectField label={`New tier for ${apiName}`} value={chosen} options={others} onChange={setTier} />
      <div className="field">
        <button type="submit" className="secondary small" disabled={change.isPending}>
          Change tier
        </button>
      </div>
      <ErrorBox error={change.error} />
    </form>
  );
}

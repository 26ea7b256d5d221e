/**
 * A throttling policy's form, for a new policy or to change one in place (WSO2's PUT): a request
 * count or bandwidth per time window, burst control for subscription tiers, conditional groups for
 * advanced ones.
 */
import { useState } from 'react';
import { request } from '../shared/api';
import { useCheckedWrite } from '../shared/schema';
import { Checkbox, FormPanel, SelectField, TextField } from '../shared/ui';
import {
  ConditionalGroupsEditor,
  type ConditionalGroup,
  type DataUnit,
  type ThrottleLimit,
  type TimeUnit,
} from './conditions';
import { optionsOf, QUOTA_TYPE_LABELS, TIME_UNIT_OPTIONS } from '../shared/labels';
import { useNotify } from '../shared/notify';
import { OPERATION_IDS, pathOf, type Level, type Policy } from './policy-levels';

/** Where a new policy is put to use. */
const NEXT_STEP: Record<Level, { label: string; to: string }> = {
  subscription: { label: 'Next: offer it in an API’s Tiers tab', to: '/publisher/apis' },
  application: {
    label: 'Next: developers can choose it for their applications',
    to: '/devportal/applications',
  },
  advanced: { label: 'Next: apply it to an API’s resources', to: '/publisher/apis' },
};

export function PolicyForm({
  level,
  editing,
  onDone,
}: {
  level: Level;
  /** the policy to change (its name stays); absent: a new one */
  editing?: Policy;
  onDone?: () => void;
}) {
  const notify = useNotify();
  const limit = editing?.defaultLimit;
  const count = limit?.type === 'REQUESTCOUNTLIMIT' ? limit.requestCount : undefined;
  const bandwidth = limit?.type === 'BANDWIDTHLIMIT' ? limit.bandwidth : undefined;
  const span = count ?? bandwidth;
  const [name, setName] = useState(editing?.policyName ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [type, setType] = useState<'REQUESTCOUNTLIMIT' | 'BANDWIDTHLIMIT'>(
    bandwidth ? 'BANDWIDTHLIMIT' : 'REQUESTCOUNTLIMIT',
  );
  const [amount, setAmount] = useState(String(count?.requestCount ?? bandwidth?.dataAmount ?? 100));
  const [dataUnit, setDataUnit] = useState<DataUnit>(bandwidth?.dataUnit ?? 'MB');
  const [unitTime, setUnitTime] = useState(String(span?.unitTime ?? 1));
  const [timeUnit, setTimeUnit] = useState<TimeUnit>(span?.timeUnit ?? 'min');
  const [burst, setBurst] = useState(editing?.rateLimitCount ? String(editing.rateLimitCount) : '');
  const [burstUnit, setBurstUnit] = useState<string>(editing?.rateLimitTimeUnit ?? 'sec');
  const [stop, setStop] = useState(editing?.stopOnQuotaReach ?? true);
  const [groups, setGroups] = useState<ConditionalGroup[]>(editing?.conditionalGroups ?? []);
  const path = pathOf(level);
  const add = useCheckedWrite(
    'admin',
    editing ? OPERATION_IDS[level].replace(/^add/, 'update') : OPERATION_IDS[level],
    (body: object) =>
      editing
        ? request('admin', `${path}/${editing.policyId}`, { method: 'PUT', json: body })
        : request('admin', path, { json: body }),
    {
      stale: [['admin', path]],
      onSuccess: () => {
        if (editing)
          notify({ message: `Policy ${editing.policyName} saved: it applies to new requests now.` });
        else {
          notify({ message: `Policy ${name.trim()} created.`, next: NEXT_STEP[level] });
          setName('');
          setDescription('');
          setGroups([]);
        }
        onDone?.();
      },
    },
  );
  const errors = add.errors;
  return (
    <FormPanel
      title={editing ? `Edit ${editing.displayName ?? editing.policyName}` : 'Add a policy'}
      write={add}
      shown={['policyName', 'description', 'defaultLimit', 'rateLimitCount', 'conditionalGroups']}
      submit={editing ? 'Save policy' : 'Add policy'}
      secondary={
        editing && (
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        )
      }
      onSubmit={() => {
        const newLimit: ThrottleLimit =
          type === 'REQUESTCOUNTLIMIT'
            ? { type, requestCount: { requestCount: Number(amount), unitTime: Number(unitTime), timeUnit } }
            : {
                type,
                bandwidth: { dataAmount: Number(amount), dataUnit, unitTime: Number(unitTime), timeUnit },
              };
        // an edit keeps what the form does not show (billing plan, custom attributes...): the PUT
        // replaces the whole policy
        const { policyId: _id, isDeployed: _deployed, type: _type, ...kept } = editing ?? {};
        const body: Record<string, unknown> = {
          ...kept,
          policyName: name.trim(),
          displayName: editing?.displayName ?? name.trim(),
          description: description.trim(),
          defaultLimit: newLimit,
        };
        if (level === 'subscription') {
          body.stopOnQuotaReach = stop;
          body.rateLimitCount = burst.trim() ? Number(burst) : null;
          body.rateLimitTimeUnit = burst.trim() ? burstUnit : null;
        }
        if (level === 'advanced') body.conditionalGroups = groups;
        add.submit(body);
      }}
    >
      <div className="row">
        <TextField
          label="Policy name"
          required
          readOnly={!!editing}
          hint={editing ? 'A policy keeps its name: APIs and applications refer to it by name' : undefined}
          value={name}
          error={errors?.policyName}
          onChange={setName}
        />
        <TextField
          label="Description"
          value={description}
          error={errors?.description}
          onChange={setDescription}
        />
      </div>
      <div className="row">
        <SelectField
          label="Quota type"
          value={type}
          options={optionsOf(QUOTA_TYPE_LABELS).filter((o) => o.value !== 'UNLIMITED')}
          onChange={(v) => setType(v as typeof type)}
        />
        <TextField
          label={type === 'REQUESTCOUNTLIMIT' ? 'Requests' : 'Data amount'}
          type="number"
          min={1}
          value={amount}
          error={
            errors?.['defaultLimit.requestCount.requestCount'] ??
            errors?.['defaultLimit.bandwidth.dataAmount']
          }
          onChange={setAmount}
        />
        {type === 'BANDWIDTHLIMIT' && (
          <SelectField
            label="Data unit"
            value={dataUnit}
            options={['KB', 'MB']}
            onChange={(v) => setDataUnit(v as DataUnit)}
          />
        )}
        <TextField label="Per" type="number" min={1} value={unitTime} onChange={setUnitTime} />
        <SelectField
          label="Time unit"
          value={timeUnit}
          options={TIME_UNIT_OPTIONS}
          onChange={(v) => setTimeUnit(v as TimeUnit)}
        />
      </div>
      {level === 'subscription' && (
        <>
          <div className="row">
            <TextField
              label="Burst limit (requests)"
              type="number"
              hint="Optional spike arrest"
              value={burst}
              error={errors?.rateLimitCount}
              onChange={setBurst}
            />
            <SelectField
              label="Burst time unit"
              value={burstUnit}
              options={['sec', 'min']}
              onChange={setBurstUnit}
            />
          </div>
          <Checkbox label="Stop requests when the quota is reached" checked={stop} onChange={setStop} />
        </>
      )}
      {level === 'advanced' && (
        <ConditionalGroupsEditor groups={groups} onChange={setGroups} errors={errors} />
      )}
    </FormPanel>
  );
}

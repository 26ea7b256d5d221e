/**
 * Subscription, application and advanced rate-limit policies (WSO2's shapes): a request count or
 * bandwidth per time window, burst control for subscription tiers, conditional groups for advanced.
 */
import { useState } from 'react';
import { useParams } from 'react-router';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import { Checkbox, DeleteButton, FormPanel, ListTable, Page, SelectField, TextField } from '../shared/ui';
import type { Admin, Answered } from '@apim/rest-contract';
import {
  ConditionalGroupsEditor,
  limitText,
  type ConditionalGroup,
  type DataUnit,
  type ThrottleLimit,
  type TimeUnit,
} from './conditions';
import { optionsOf, QUOTA_TYPE_LABELS, TIME_UNIT_OPTIONS } from '../shared/labels';
import { useNotify } from '../shared/notify';

type Level = 'subscription' | 'application' | 'advanced';

/** A policy as listed, its limits told apart by type (conditions.tsx). */
type Policy = Omit<Answered<Admin.ThrottlePolicy, 'policyId'>, 'defaultLimit' | 'conditionalGroups'> & {
  defaultLimit: ThrottleLimit;
  conditionalGroups?: ConditionalGroup[];
};

const TITLES: Record<Level, string> = {
  subscription: 'Subscription policies',
  application: 'Application policies',
  advanced: 'Advanced policies',
};
const OPERATION_IDS: Record<Level, string> = {
  subscription: 'addSubscriptionThrottlePolicy',
  application: 'addApplicationThrottlePolicy',
  advanced: 'addAdvancedThrottlePolicy',
};
const pathOf = (level: Level) => `/throttling/policies/${level}`;

/** Where a new policy is put to use. */
const NEXT_STEP: Record<Level, { label: string; to: string }> = {
  subscription: { label: 'Next: offer it in an API’s Tiers tab', to: '/publisher/apis' },
  application: {
    label: 'Next: developers can choose it for their applications',
    to: '/devportal/applications',
  },
  advanced: { label: 'Next: apply it to an API’s resources', to: '/publisher/apis' },
};

function PolicyForm({ level }: { level: Level }) {
  const notify = useNotify();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<'REQUESTCOUNTLIMIT' | 'BANDWIDTHLIMIT'>('REQUESTCOUNTLIMIT');
  const [amount, setAmount] = useState('100');
  const [dataUnit, setDataUnit] = useState<DataUnit>('MB');
  const [unitTime, setUnitTime] = useState('1');
  const [timeUnit, setTimeUnit] = useState<TimeUnit>('min');
  const [burst, setBurst] = useState('');
  const [burstUnit, setBurstUnit] = useState('sec');
  const [stop, setStop] = useState(true);
  const [groups, setGroups] = useState<ConditionalGroup[]>([]);
  const path = pathOf(level);
  const add = useCheckedWrite(
    'admin',
    OPERATION_IDS[level],
    (body: object) => request('admin', path, { json: body }),
    {
      stale: [['admin', path]],
      onSuccess: () => {
        notify({ message: `Policy ${name.trim()} created.`, next: NEXT_STEP[level] });
        setName('');
        setDescription('');
        setGroups([]);
      },
    },
  );
  const errors = add.errors;
  return (
    <FormPanel
      title="Add a policy"
      write={add}
      shown={['policyName', 'description', 'defaultLimit', 'rateLimitCount', 'conditionalGroups']}
      submit="Add policy"
      onSubmit={() => {
        const limit: ThrottleLimit =
          type === 'REQUESTCOUNTLIMIT'
            ? { type, requestCount: { requestCount: Number(amount), unitTime: Number(unitTime), timeUnit } }
            : {
                type,
                bandwidth: { dataAmount: Number(amount), dataUnit, unitTime: Number(unitTime), timeUnit },
              };
        const body: Record<string, unknown> = {
          policyName: name.trim(),
          displayName: name.trim(),
          description: description.trim(),
          defaultLimit: limit,
        };
        if (level === 'subscription') {
          body.stopOnQuotaReach = stop;
          if (burst.trim()) {
            body.rateLimitCount = Number(burst);
            body.rateLimitTimeUnit = burstUnit;
          }
        }
        if (level === 'advanced') body.conditionalGroups = groups;
        add.submit(body);
      }}
    >
      <div className="row">
        <TextField label="Policy name" required value={name} error={errors?.policyName} onChange={setName} />
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

export function PoliciesPage() {
  const { level = 'subscription' } = useParams();
  const lvl: Level = level === 'application' || level === 'advanced' ? level : 'subscription';
  const path = pathOf(lvl);
  const policies = useRest<ListOf<Policy>>('admin', path);
  return (
    <Page title={TITLES[lvl]}>
      <ListTable
        query={policies}
        what="policies"
        empty="No policies."
        rowKey={(p) => p.policyId}
        columns={[
          { header: 'Name', cell: (p) => p.displayName ?? p.policyName },
          { header: 'Limit', cell: (p) => limitText(p.defaultLimit) },
          lvl === 'subscription' && {
            header: 'Burst',
            cell: (p) => (p.rateLimitCount ? `${p.rateLimitCount}/${p.rateLimitTimeUnit}` : ''),
          },
          lvl === 'advanced' && {
            header: 'Conditional groups',
            cell: (p) =>
              (p.conditionalGroups ?? []).map((g, i) => (
                <div key={i}>
                  {g.description || `Group ${i + 1}`}: {limitText(g.limit)}
                </div>
              )),
          },
          { header: 'Description', cell: (p) => p.description },
        ]}
        actions={(p) => (
          <DeleteButton
            api="admin"
            path={`${path}/${p.policyId}`}
            stale={[['admin', path]]}
            label={`Delete ${p.policyName}`}
            question={`Delete the policy ${p.policyName}?`}
            effect="It can no longer be chosen. This cannot be undone."
          />
        )}
      />
      <PolicyForm key={lvl} level={lvl} />
    </Page>
  );
}

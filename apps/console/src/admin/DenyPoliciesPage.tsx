/** Deny policies: block an API, an application, a user or an IP (range) at every gateway. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import {
  Checkbox,
  DeleteButton,
  ErrorBox,
  FormPanel,
  ListTable,
  Page,
  SelectField,
  TextField,
} from '../shared/ui';
import type { Admin, Answered } from '@apim/rest-contract';
import { DENY_CONDITION_TYPE_LABELS, labelOf, optionsOf } from '../shared/labels';

const HINTS: Record<Admin.BlockingCondition['conditionType'], string> = {
  API: 'e.g. /pizzashack/1.0.0',
  APPLICATION: 'owner:applicationName',
  USER: 'username',
  IP: 'e.g. 203.0.113.7',
  IPRANGE: '',
};
const TYPES = optionsOf(DENY_CONDITION_TYPE_LABELS).map((o) => ({ ...o, hint: HINTS[o.value] }));

const PATH = '/throttling/deny-policies';

function valueText(p: Answered<Admin.BlockingCondition, 'conditionId' | 'conditionStatus'>): string {
  const v = p.conditionValue;
  if (typeof v === 'string') return v;
  const r = v as { startingIp?: string; endingIp?: string; invert?: boolean };
  if (r.startingIp) return `${r.invert ? 'not ' : ''}${r.startingIp} – ${r.endingIp ?? ''}`;
  return JSON.stringify(v);
}

const STALE = [['admin', '/throttling/deny-polic']] as const;

function AddDenyPolicy() {
  const [type, setType] = useState('API');
  const [value, setValue] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [invert, setInvert] = useState(false);
  const add = useCheckedWrite(
    'admin',
    'addDenyPolicy',
    (body: object) => request('admin', PATH, { json: body }),
    {
      stale: STALE,
      onSuccess: () => setValue(''),
    },
  );
  const errors = add.errors;
  const meta = TYPES.find((t) => t.value === type);
  return (
    <FormPanel
      title="Add a deny policy"
      write={add}
      shown={['conditionValue', 'conditionType']}
      submit="Add deny policy"
      onSubmit={() =>
        add.submit({
          conditionType: type,
          conditionValue:
            type === 'IPRANGE' ? { startingIp: start.trim(), endingIp: end.trim(), invert } : value.trim(),
          conditionStatus: true,
        })
      }
    >
      <div className="row">
        <SelectField label="Block by" value={type} options={TYPES} onChange={setType} />
        {type === 'IPRANGE' ? (
          <>
            <TextField
              label="Starting IP"
              value={start}
              error={errors?.['conditionValue.startingIp']}
              onChange={setStart}
            />
            <TextField
              label="Ending IP"
              value={end}
              error={errors?.['conditionValue.endingIp']}
              onChange={setEnd}
            />
          </>
        ) : (
          <TextField
            label="Value"
            hint={meta?.hint}
            value={value}
            error={errors?.conditionValue}
            onChange={setValue}
          />
        )}
      </div>
      {type === 'IPRANGE' && (
        <Checkbox label="Invert: block every other address" checked={invert} onChange={setInvert} />
      )}
    </FormPanel>
  );
}

export function DenyPoliciesPage() {
  const list = useRest<ListOf<Answered<Admin.BlockingCondition, 'conditionId' | 'conditionStatus'>>>(
    'admin',
    PATH,
  );
  const toggle = useRestMutation(
    (p: Answered<Admin.BlockingCondition, 'conditionId' | 'conditionStatus'>) =>
      request('admin', `/throttling/deny-policy/${p.conditionId}`, {
        method: 'PATCH',
        json: { conditionStatus: !p.conditionStatus },
      }),
    { stale: STALE },
  );
  return (
    <Page title="Deny policies">
      <ListTable
        query={list}
        what="deny policies"
        empty="Nothing is blocked."
        rowKey={(p) => p.conditionId}
        columns={[
          {
            header: 'Type',
            cell: (p) => labelOf(DENY_CONDITION_TYPE_LABELS, p.conditionType),
          },
          { header: 'Value', cell: (p) => <code>{valueText(p)}</code> },
          {
            header: 'Enabled',
            cell: (p) => (
              <Checkbox
                label={p.conditionStatus ? 'On' : 'Off'}
                checked={p.conditionStatus}
                onChange={() => toggle.mutate(p)}
              />
            ),
          },
        ]}
        actions={(p) => (
          <DeleteButton
            api="admin"
            path={`/throttling/deny-policy/${p.conditionId}`}
            stale={STALE}
            label={`Delete the deny policy on ${valueText(p)}`}
          />
        )}
      />
      <ErrorBox error={toggle.error} />
      <AddDenyPolicy />
    </Page>
  );
}

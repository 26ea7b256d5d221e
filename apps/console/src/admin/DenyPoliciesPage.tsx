/** Deny policies: block an API, an application, a user or an IP (range) at every gateway. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { Checkbox, ErrorBox, OtherErrors, Page, QueryView, SelectField, TextField } from '../shared/ui';

interface DenyPolicy {
  conditionId: string;
  conditionType: 'API' | 'APPLICATION' | 'IP' | 'IPRANGE' | 'USER';
  conditionValue: unknown;
  conditionStatus: boolean;
}

const TYPES = [
  { value: 'API', label: 'API context', hint: 'e.g. /pizzashack/1.0.0' },
  { value: 'APPLICATION', label: 'Application', hint: 'owner:applicationName' },
  { value: 'USER', label: 'User', hint: 'username' },
  { value: 'IP', label: 'IP address', hint: 'e.g. 203.0.113.7' },
  { value: 'IPRANGE', label: 'IP range', hint: '' },
];

const PATH = '/throttling/deny-policies';

function valueText(p: DenyPolicy): string {
  const v = p.conditionValue;
  if (typeof v === 'string') return v;
  const r = v as { startingIp?: string; endingIp?: string; invert?: boolean };
  if (r.startingIp) return `${r.invert ? 'not ' : ''}${r.startingIp} – ${r.endingIp ?? ''}`;
  return JSON.stringify(v);
}

export function DenyPoliciesPage() {
  const list = useRest<ListOf<DenyPolicy>>('admin', PATH);
  const check = useBodyCheck('admin', 'addDenyPolicy');
  const [type, setType] = useState('API');
  const [value, setValue] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [invert, setInvert] = useState(false);
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const stale = [['admin', '/throttling/deny-polic']] as const;
  const add = useRestMutation((body: object) => request('admin', PATH, { json: body }), {
    stale,
    onSuccess: () => setValue(''),
  });
  const toggle = useRestMutation(
    (p: DenyPolicy) =>
      request('admin', `/throttling/deny-policy/${p.conditionId}`, {
        method: 'PATCH',
        json: { conditionStatus: !p.conditionStatus },
      }),
    { stale },
  );
  const remove = useRestMutation(
    (id: string) => request('admin', `/throttling/deny-policy/${id}`, { method: 'DELETE' }),
    { stale },
  );
  const meta = TYPES.find((t) => t.value === type);
  return (
    <Page title="Deny policies">
      <QueryView
        query={list}
        what="deny policies"
        isEmpty={(d) => d.list.length === 0}
        empty="Nothing is blocked."
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Value</th>
                <th scope="col">Enabled</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((p) => (
                <tr key={p.conditionId}>
                  <td>{TYPES.find((t) => t.value === p.conditionType)?.label ?? p.conditionType}</td>
                  <td>
                    <code>{valueText(p)}</code>
                  </td>
                  <td>
                    <Checkbox
                      label={p.conditionStatus ? 'On' : 'Off'}
                      checked={p.conditionStatus}
                      onChange={() => toggle.mutate(p)}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Delete the deny policy on ${valueText(p)}`}
                      onClick={() => remove.mutate(p.conditionId)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <ErrorBox error={toggle.error ?? remove.error} />
      <form
        className="panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const conditionValue =
            type === 'IPRANGE' ? { startingIp: start.trim(), endingIp: end.trim(), invert } : value.trim();
          const body = { conditionType: type, conditionValue, conditionStatus: true };
          const found = check(body);
          setErrors(found);
          if (!found) add.mutate(body);
        }}
      >
        <h2>Add a deny policy</h2>
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
        <OtherErrors errors={errors} shown={['conditionValue', 'conditionType']} />
        <ErrorBox error={add.error} />
        <button type="submit" disabled={add.isPending}>
          Add deny policy
        </button>
      </form>
    </Page>
  );
}

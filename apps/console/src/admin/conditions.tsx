/** Throttle limits and the conditional groups of advanced policies (WSO2's condition shapes). */
import type { Admin } from '@apim/rest-contract';
import type { FieldErrors } from '../shared/schema';
import { Checkbox, SelectField, TextField } from '../shared/ui';
import { optionsOf, perTime, THROTTLE_CONDITION_TYPE_LABELS, TIME_UNIT_OPTIONS } from '../shared/labels';

type Limit = Admin.ThrottleLimit;
export type TimeUnit = NonNullable<Limit['requestCount']>['timeUnit'];
export type DataUnit = NonNullable<Limit['bandwidth']>['dataUnit'];
type Cond = Admin.ThrottleCondition;

/** The REST API's limit and condition, told apart by their type as the editors need them. */
export type ThrottleLimit =
  | { type: 'UNLIMITED' }
  | { type: 'REQUESTCOUNTLIMIT'; requestCount: NonNullable<Limit['requestCount']> }
  | { type: 'BANDWIDTHLIMIT'; bandwidth: NonNullable<Limit['bandwidth']> };

export type Condition = { invertCondition: boolean } & (
  | { type: 'HEADERCONDITION'; headerCondition: NonNullable<Cond['headerCondition']> }
  | { type: 'QUERYPARAMETERCONDITION'; queryParameterCondition: NonNullable<Cond['queryParameterCondition']> }
  | { type: 'JWTCLAIMSCONDITION'; jwtClaimsCondition: NonNullable<Cond['jwtClaimsCondition']> }
  | { type: 'IPCONDITION'; ipCondition: NonNullable<Cond['ipCondition']> }
);

export interface ConditionalGroup {
  description: string;
  conditions: Condition[];
  limit: ThrottleLimit;
}

export function limitText(limit: ThrottleLimit | undefined): string {
  if (!limit) return '';
  if (limit.type === 'UNLIMITED') return 'Unlimited';
  if (limit.type === 'REQUESTCOUNTLIMIT') {
    const r = limit.requestCount;
    return `${r.requestCount} requests per ${perTime(r.unitTime, r.timeUnit)}`;
  }
  const b = limit.bandwidth;
  return `${b.dataAmount} ${b.dataUnit} per ${perTime(b.unitTime, b.timeUnit)}`;
}

const CONDITION_TYPES = optionsOf(THROTTLE_CONDITION_TYPE_LABELS);

function emptyCondition(type: string): Condition {
  switch (type) {
    case 'QUERYPARAMETERCONDITION':
      return {
        type,
        invertCondition: false,
        queryParameterCondition: { parameterName: '', parameterValue: '' },
      };
    case 'IPCONDITION':
      return { type, invertCondition: false, ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP: '' } };
    case 'JWTCLAIMSCONDITION':
      return { type, invertCondition: false, jwtClaimsCondition: { claimUrl: '', attribute: '' } };
    default:
      return {
        type: 'HEADERCONDITION',
        invertCondition: false,
        headerCondition: { headerName: '', headerValue: '' },
      };
  }
}

function ConditionFields({
  c,
  onChange,
  label,
}: {
  c: Condition;
  onChange: (c: Condition) => void;
  label: string;
}) {
  const pair = (a: string, b: string, av: string, bv: string, set: (a: string, b: string) => void) => (
    <>
      <TextField label={`${label}: ${a}`} value={av} onChange={(v) => set(v, bv)} />
      <TextField label={`${label}: ${b}`} value={bv} onChange={(v) => set(av, v)} />
    </>
  );
  switch (c.type) {
    case 'HEADERCONDITION':
      return pair(
        'header name',
        'header value',
        c.headerCondition.headerName,
        c.headerCondition.headerValue,
        (headerName, headerValue) => onChange({ ...c, headerCondition: { headerName, headerValue } }),
      );
    case 'QUERYPARAMETERCONDITION':
      return pair(
        'parameter name',
        'parameter value',
        c.queryParameterCondition.parameterName,
        c.queryParameterCondition.parameterValue,
        (parameterName, parameterValue) =>
          onChange({ ...c, queryParameterCondition: { parameterName, parameterValue } }),
      );
    case 'JWTCLAIMSCONDITION':
      return pair(
        'claim',
        'value pattern',
        c.jwtClaimsCondition.claimUrl,
        c.jwtClaimsCondition.attribute,
        (claimUrl, attribute) => onChange({ ...c, jwtClaimsCondition: { claimUrl, attribute } }),
      );
    case 'IPCONDITION': {
      const ip = c.ipCondition;
      return (
        <>
          <SelectField
            label={`${label}: IP match`}
            value={ip.ipConditionType}
            options={[
              { value: 'IPSPECIFIC', label: 'Specific IP' },
              { value: 'IPRANGE', label: 'IP range' },
            ]}
            onChange={(v) =>
              onChange({
                ...c,
                ipCondition:
                  v === 'IPRANGE'
                    ? { ipConditionType: 'IPRANGE', startingIP: '', endingIP: '' }
                    : { ipConditionType: 'IPSPECIFIC', specificIP: '' },
              })
            }
          />
          {ip.ipConditionType === 'IPSPECIFIC' ? (
            <TextField
              label={`${label}: IP`}
              value={ip.specificIP ?? ''}
              onChange={(specificIP) => onChange({ ...c, ipCondition: { ...ip, specificIP } })}
            />
          ) : (
            pair('starting IP', 'ending IP', ip.startingIP ?? '', ip.endingIP ?? '', (startingIP, endingIP) =>
              onChange({ ...c, ipCondition: { ...ip, startingIP, endingIP } }),
            )
          )}
        </>
      );
    }
  }
}

export function ConditionalGroupsEditor(props: {
  groups: ConditionalGroup[];
  onChange: (g: ConditionalGroup[]) => void;
  errors: FieldErrors | null;
}) {
  const { groups, onChange } = props;
  const setGroup = (i: number, g: ConditionalGroup) => onChange(groups.map((x, j) => (j === i ? g : x)));
  return (
    <fieldset className="checkbox-group">
      <legend>Conditional groups</legend>
      <p className="hint">
        When every condition of a group matches a request, the group’s limit applies instead of the default.
      </p>
      {groups.map((g, i) => {
        const name = `Group ${i + 1}`;
        const count = g.limit.type === 'REQUESTCOUNTLIMIT' ? g.limit.requestCount : null;
        return (
          <fieldset key={i} className="checkbox-group">
            <legend>{name}</legend>
            <TextField
              label={`${name} description`}
              value={g.description}
              onChange={(description) => setGroup(i, { ...g, description })}
            />
            {g.conditions.map((c, k) => {
              const label = `${name} condition ${k + 1}`;
              return (
                <div key={k} className="row">
                  <SelectField
                    label={`${label} type`}
                    value={c.type}
                    options={CONDITION_TYPES}
                    onChange={(t) =>
                      setGroup(i, {
                        ...g,
                        conditions: g.conditions.map((x, j) => (j === k ? emptyCondition(t) : x)),
                      })
                    }
                  />
                  <ConditionFields
                    c={c}
                    label={label}
                    onChange={(nc) =>
                      setGroup(i, { ...g, conditions: g.conditions.map((x, j) => (j === k ? nc : x)) })
                    }
                  />
                  <Checkbox
                    label={`${label}: invert`}
                    checked={c.invertCondition}
                    onChange={(invertCondition) =>
                      setGroup(i, {
                        ...g,
                        conditions: g.conditions.map((x, j) => (j === k ? { ...x, invertCondition } : x)),
                      })
                    }
                  />
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => setGroup(i, { ...g, conditions: g.conditions.filter((_, j) => j !== k) })}
                  >
                    Remove {label}
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              className="secondary small"
              onClick={() =>
                setGroup(i, { ...g, conditions: [...g.conditions, emptyCondition('HEADERCONDITION')] })
              }
            >
              Add a condition to {name}
            </button>
            {count && (
              <div className="row">
                <TextField
                  label={`${name} requests`}
                  type="number"
                  value={String(count.requestCount)}
                  onChange={(v) =>
                    setGroup(i, {
                      ...g,
                      limit: {
                        type: 'REQUESTCOUNTLIMIT',
                        requestCount: { ...count, requestCount: Number(v) },
                      },
                    })
                  }
                />
                <SelectField
                  label={`${name} time unit`}
                  value={count.timeUnit}
                  options={TIME_UNIT_OPTIONS}
                  onChange={(timeUnit) =>
                    setGroup(i, {
                      ...g,
                      limit: {
                        type: 'REQUESTCOUNTLIMIT',
                        requestCount: { ...count, timeUnit: timeUnit as TimeUnit },
                      },
                    })
                  }
                />
              </div>
            )}
            <button
              type="button"
              className="secondary small"
              onClick={() => onChange(groups.filter((_, j) => j !== i))}
            >
              Remove {name}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        className="secondary small"
        onClick={() =>
          onChange([
            ...groups,
            {
              description: '',
              conditions: [emptyCondition('HEADERCONDITION')],
              limit: {
                type: 'REQUESTCOUNTLIMIT',
                requestCount: { requestCount: 10, unitTime: 1, timeUnit: 'min' },
              },
            },
          ])
        }
      >
        Add a conditional group
      </button>
    </fieldset>
  );
}

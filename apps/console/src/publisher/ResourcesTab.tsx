/** The API's operations: verb, URI template, authentication, scopes and rate limit of each. */
import { useState } from 'react';
import { Checkbox } from '../shared/ui';
import { SaveForm, useApiSave } from './save';
import { errorAt } from '../shared/schema';
import { useAdvancedTiers } from './SettingsTabs';
import { HTTP_VERBS, type Complete, type Publisher } from '@apim/rest-contract';

const OPEN = 'None';
const SECURED = 'Application & Application User';

export function ResourcesTab({ api }: { api: Complete<Publisher.API> }) {
  const save = useApiSave(api);
  const advanced = useAdvancedTiers();
  const [ops, setOps] = useState<Publisher.APIOperations[]>(
    api.operations.map((o) => ({ ...o, scopes: o.scopes ?? [] })),
  );
  const [verb, setVerb] = useState<Publisher.APIOperations['verb']>('GET');
  const [target, setTarget] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const scopeNames = api.scopes.map((s) => s.scope.name);
  const tierNames = (advanced.data?.list ?? []).map((t) => t.policyName);
  const update = (i: number, patch: Partial<Publisher.APIOperations>) =>
    setOps(ops.map((o, j) => (j === i ? { ...o, ...patch } : o)));

  return (
    <SaveForm
      save={save}
      shown={['operations']}
      onSubmit={() => {
        save.save({ operations: ops.map(({ id: _id, ...o }) => o) });
      }}
    >
      <fieldset className="row checkbox-group">
        <legend>Add a resource</legend>
        <div className="field">
          <label htmlFor="new-verb">Verb</label>
          <select
            id="new-verb"
            value={verb}
            onChange={(e) => setVerb(e.target.value as Publisher.APIOperations['verb'])}
          >
            {HTTP_VERBS.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </div>
        <div className={`field${addError ? ' has-error' : ''}`}>
          <label htmlFor="new-target">URI template</label>
          <input
            id="new-target"
            value={target}
            placeholder="/orders/{orderId}"
            aria-invalid={addError ? true : undefined}
            aria-describedby={addError ? 'new-target-error' : undefined}
            onChange={(e) => setTarget(e.target.value)}
          />
          {addError && (
            <small id="new-target-error" className="field-error" role="alert">
              {addError}
            </small>
          )}
        </div>
        <div className="field">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              const t = target.trim().startsWith('/') ? target.trim() : `/${target.trim()}`;
              if (t === '/' && !target.trim())
                return setAddError('Give a URI template, such as /orders/{orderId}');
              if (ops.some((o) => o.verb === verb && o.target === t))
                return setAddError(`${verb} ${t} is already listed`);
              setAddError(null);
              setOps([...ops, { verb, target: t, authType: SECURED, scopes: [], throttlingPolicy: null }]);
              setTarget('');
            }}
          >
            Add
          </button>
        </div>
      </fieldset>
      {ops.length === 0 ? (
        <p className="empty">No resources: the API answers nothing. Add one above.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Verb</th>
              <th scope="col">URI template</th>
              <th scope="col">Security</th>
              <th scope="col">Scopes</th>
              <th scope="col">Rate limit</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {ops.map((o, i) => {
              const name = `${o.verb} ${o.target}`;
              const err = errorAt(save.errors, `operations.${i}`);
              return (
                <tr key={`${o.verb} ${o.target} ${i}`}>
                  <td className={`verb verb-${o.verb.toLowerCase()}`}>{o.verb}</td>
                  <td>
                    <input
                      aria-label={`URI template of ${name}`}
                      value={o.target}
                      onChange={(e) => update(i, { target: e.target.value })}
                    />
                    {err && (
                      <small className="field-error" role="alert">
                        {err}
                      </small>
                    )}
                  </td>
                  <td>
                    <Checkbox
                      label="Secured"
                      checked={o.authType !== OPEN}
                      onChange={(on) => update(i, { authType: on ? SECURED : OPEN })}
                    />
                  </td>
                  <td>
                    <select
                      multiple
                      aria-label={`Scopes of ${name}`}
                      value={o.scopes ?? []}
                      disabled={scopeNames.length === 0}
                      onChange={(e) =>
                        update(i, { scopes: [...e.target.selectedOptions].map((x) => x.value) })
                      }
                    >
                      {scopeNames.map((s) => (
                        <option key={s}>{s}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Rate limit of ${name}`}
                      value={o.throttlingPolicy ?? ''}
                      onChange={(e) => update(i, { throttlingPolicy: e.target.value || null })}
                    >
                      <option value="">Unlimited</option>
                      {tierNames
                        .filter((t) => t !== 'Unlimited')
                        .map((t) => (
                          <option key={t}>{t}</option>
                        ))}
                    </select>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Remove ${name}`}
                      onClick={() => setOps(ops.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {api.apiThrottlingPolicy && (
        <p className="hint">
          The API-level rate limit {api.apiThrottlingPolicy} applies instead of the per-resource limits.
        </p>
      )}
    </SaveForm>
  );
}

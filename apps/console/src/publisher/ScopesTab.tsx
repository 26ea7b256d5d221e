/** The API's OAuth scopes (its own, bound to roles) and the shared scopes it uses. */
import { useState } from 'react';
import type { ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { errorAt } from '../shared/schema';
import { Empty, splitList, TextField } from '../shared/ui';
import { SaveForm, useApiSave } from './save';
import type { Complete, Publisher } from '@apim/rest-contract';

/** scope name -> the operations requiring it ("GET /pets"), in the API's order */
function requiredBy(api: Complete<Publisher.API>): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const o of api.operations ?? [])
    for (const scope of o.scopes ?? []) by.set(scope, [...(by.get(scope) ?? []), `${o.verb} ${o.target}`]);
  return by;
}

export function ScopesTab({ api }: { api: Complete<Publisher.API> }) {
  const save = useApiSave(api);
  const shared = useRest<ListOf<Complete<Publisher.Scope>>>('publisher', '/scopes', { limit: 1000 });
  const [scopes, setScopes] = useState<Publisher.APIScope[]>(api.scopes);
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [roles, setRoles] = useState('');
  const [sharedPick, setSharedPick] = useState('');
  const [addError, setAddError] = useState<string | undefined>();
  const available = (shared.data?.list ?? []).filter((s) => !scopes.some((x) => x.scope.name === s.name));
  const required = requiredBy(api);
  // required by operations yet neither this API's nor shared: tokens for this API never carry them
  const unheld = [...required.keys()].filter((n) => !api.scopes.some((s) => s.scope.name === n));
  return (
    <SaveForm
      save={save}
      shown={['scopes']}
      onSubmit={() => {
        save.save({ scopes });
      }}
    >
      {unheld.length > 0 && (
        <div className="error-box" role="alert">
          <strong>Operations require scopes this API does not hold:</strong>{' '}
          {unheld.map((n, i) => (
            <span key={n}>
              {i > 0 && ', '}
              <code>{n}</code> ({required.get(n)!.join(', ')})
            </span>
          ))}
          . Tokens for this API cannot carry them, so those calls are refused (403). Add them as scopes of
          this API, use a shared scope, or change the operations on the Resources tab.
        </div>
      )}
      {scopes.length === 0 ? (
        <Empty>The API has no scopes: any valid token may call its secured resources.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Scope</th>
              <th scope="col">Description</th>
              <th scope="col">Roles</th>
              <th scope="col">Required by</th>
              <th scope="col">Kind</th>
            </tr>
          </thead>
          <tbody>
            {scopes.map((s) => (
              <tr key={s.scope.name}>
                <td>
                  <code>{s.scope.name}</code>
                  {s.scope.displayName && s.scope.displayName !== s.scope.name && (
                    <div>{s.scope.displayName}</div>
                  )}
                </td>
                <td>{s.scope.description}</td>
                <td>{(s.scope.bindings ?? []).join(', ') || <span className="muted">any role</span>}</td>
                <td>
                  {required.get(s.scope.name)?.join(', ') ?? <span className="muted">no operation yet</span>}
                </td>
                <td>{s.shared ? 'shared' : 'this API'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <fieldset className="checkbox-group">
        <legend>Add a scope of this API</legend>
        <div className="row">
          <TextField
            label="Scope name"
            value={name}
            placeholder="pets:write"
            error={addError ?? errorAt(save.errors, 'scopes')}
            onChange={setName}
          />
          <TextField label="Display name" value={displayName} onChange={setDisplayName} />
        </div>
        <TextField label="Scope description" value={description} onChange={setDescription} />
        <TextField
          label="Roles allowed"
          hint="Separated by commas; empty: any role"
          value={roles}
          onChange={setRoles}
        />
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const n = name.trim();
            if (!n || /\s/.test(n)) return setAddError('A scope name is one word, such as pets:write');
            if (scopes.some((s) => s.scope.name === n))
              return setAddError(`The scope ${n} is already listed`);
            setAddError(undefined);
            setScopes([
              ...scopes,
              {
                scope: {
                  name: n,
                  displayName: displayName.trim() || n,
                  description: description.trim(),
                  bindings: splitList(roles),
                },
                shared: false,
              },
            ]);
            setName('');
            setDisplayName('');
            setDescription('');
            setRoles('');
          }}
        >
          Add scope
        </button>
      </fieldset>
      {available.length > 0 && (
        <fieldset className="row checkbox-group">
          <legend>Use a shared scope</legend>
          <div className="field">
            <label htmlFor="shared-scope">Shared scope</label>
            <select id="shared-scope" value={sharedPick} onChange={(e) => setSharedPick(e.target.value)}>
              <option value="">Choose…</option>
              {available.map((s) => (
                <option key={s.id} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <button
              type="button"
              className="secondary"
              disabled={!sharedPick}
              onClick={() => {
                const s = available.find((x) => x.name === sharedPick);
                if (s) setScopes([...scopes, { scope: s, shared: true }]);
                setSharedPick('');
              }}
            >
              Use
            </button>
          </div>
        </fieldset>
      )}
    </SaveForm>
  );
}

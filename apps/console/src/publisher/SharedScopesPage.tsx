/** Shared scopes: defined once, usable by the resources of every API. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { ErrorBox, OtherErrors, Page, QueryView, TextField } from '../shared/ui';

interface SharedScope {
  id: string;
  name: string;
  displayName: string;
  description: string;
  bindings: string[];
  usageCount?: number;
}

export function SharedScopesPage() {
  const scopes = useRest<ListOf<SharedScope>>('publisher', '/scopes', { limit: 1000 });
  const check = useBodyCheck('publisher', 'addSharedScope');
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [roles, setRoles] = useState('');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const add = useRestMutation((body: object) => request('publisher', '/scopes', { json: body }), {
    stale: [['publisher', '/scopes']],
    onSuccess: () => {
      setName('');
      setDisplayName('');
      setDescription('');
      setRoles('');
    },
  });
  const remove = useRestMutation(
    (id: string) => request('publisher', `/scopes/${id}`, { method: 'DELETE' }),
    {
      stale: [['publisher', '/scopes']],
    },
  );
  return (
    <Page title="Shared scopes">
      <QueryView
        query={scopes}
        what="shared scopes"
        isEmpty={(d) => d.list.length === 0}
        empty="No shared scopes yet."
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Roles</th>
                <th scope="col">Used by</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((s) => (
                <tr key={s.id}>
                  <td>
                    <code>{s.name}</code>
                  </td>
                  <td>{s.description}</td>
                  <td>{s.bindings.join(', ') || <span className="muted">any role</span>}</td>
                  <td>{s.usageCount ?? 0} resources</td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Delete ${s.name}`}
                      onClick={() => remove.mutate(s.id)}
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
      <ErrorBox error={remove.error} />
      <form
        className="panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const body = {
            name: name.trim(),
            displayName: displayName.trim() || name.trim(),
            description: description.trim(),
            bindings: roles
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean),
          };
          const found = check(body);
          setErrors(found);
          if (!found) add.mutate(body);
        }}
      >
        <h2>Add a shared scope</h2>
        <div className="row">
          <TextField label="Scope name" required value={name} error={errors?.name} onChange={setName} />
          <TextField
            label="Display name"
            value={displayName}
            error={errors?.displayName}
            onChange={setDisplayName}
          />
        </div>
        <TextField
          label="Description"
          value={description}
          error={errors?.description}
          onChange={setDescription}
        />
        <TextField
          label="Roles allowed"
          hint="Separated by commas; empty: any role"
          value={roles}
          error={errors?.bindings}
          onChange={setRoles}
        />
        <OtherErrors errors={errors} shown={['name', 'displayName', 'description', 'bindings']} />
        <ErrorBox error={add.error} />
        <button type="submit" disabled={add.isPending}>
          Add scope
        </button>
      </form>
    </Page>
  );
}

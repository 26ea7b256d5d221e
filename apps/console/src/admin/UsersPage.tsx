/** Users and their roles: add a user, change roles, enable or disable, delete. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { CheckboxGroup, ErrorBox, OtherErrors, Page, QueryView, TextField } from '../shared/ui';

interface User {
  id: string;
  username: string;
  displayName?: string | null;
  email?: string | null;
  roles: string[];
  enabled: boolean;
}

interface Role {
  name: string;
  description?: string | null;
}

function RolesEditor({ user, roles }: { user: User; roles: string[] }) {
  const [values, setValues] = useState(user.roles);
  const save = useRestMutation(
    (body: object) => request('admin', `/users/${user.id}`, { method: 'PATCH', json: body }),
    { stale: [['admin', '/users']] },
  );
  const changed = values.slice().sort().join() !== user.roles.slice().sort().join();
  return (
    <>
      <CheckboxGroup
        label={`Roles of ${user.username}`}
        options={roles}
        values={values}
        onChange={setValues}
      />
      <div className="row">
        <button
          type="button"
          className="small"
          disabled={!changed || save.isPending}
          onClick={() => save.mutate({ roles: values })}
        >
          Save roles
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={save.isPending}
          onClick={() => save.mutate({ enabled: !user.enabled })}
        >
          {user.enabled ? `Disable ${user.username}` : `Enable ${user.username}`}
        </button>
      </div>
      <ErrorBox error={save.error} />
    </>
  );
}

export function UsersPage() {
  const users = useRest<ListOf<User>>('admin', '/users', { limit: 100 });
  const rolesQuery = useRest<ListOf<Role>>('admin', '/roles');
  const roles = (rolesQuery.data?.list ?? []).map((r) => r.name);
  const check = useBodyCheck('admin', 'addUser');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const [newRoles, setNewRoles] = useState<string[]>(['subscriber']);
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const add = useRestMutation((body: object) => request('admin', '/users', { json: body }), {
    stale: [['admin', '/users']],
    onSuccess: () => {
      setUsername('');
      setPassword('');
      setEmail('');
    },
  });
  const remove = useRestMutation((id: string) => request('admin', `/users/${id}`, { method: 'DELETE' }), {
    stale: [['admin', '/users']],
  });
  return (
    <Page title="Users and roles">
      <QueryView query={users} what="users" isEmpty={(d) => d.list.length === 0} empty="No users.">
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Roles</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((u) => (
                <tr key={u.id}>
                  <td>
                    <strong>{u.username}</strong>
                    {u.displayName && <div>{u.displayName}</div>}
                    {u.email && <div className="muted">{u.email}</div>}
                    {!u.enabled && <div className="badge badge-blocked">disabled</div>}
                  </td>
                  <td>
                    <RolesEditor key={u.roles.join()} user={u} roles={roles} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Delete ${u.username}`}
                      onClick={() => {
                        if (window.confirm(`Delete the user ${u.username}?`)) remove.mutate(u.id);
                      }}
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
      <ErrorBox error={remove.error ?? rolesQuery.error} />
      <form
        className="panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const body = {
            username: username.trim(),
            password,
            roles: newRoles,
            ...(email.trim() ? { email: email.trim() } : {}),
          };
          const found = check(body);
          setErrors(found);
          if (!found) add.mutate(body);
        }}
      >
        <h2>Add a user</h2>
        <div className="row">
          <TextField
            label="Username"
            required
            value={username}
            error={errors?.username}
            onChange={setUsername}
          />
          <TextField
            label="Password"
            type="password"
            required
            autoComplete="new-password"
            value={password}
            error={errors?.password}
            onChange={setPassword}
          />
          <TextField label="E-mail" type="email" value={email} error={errors?.email} onChange={setEmail} />
        </div>
        <CheckboxGroup
          label="Roles"
          options={roles}
          values={newRoles}
          error={errors?.roles}
          onChange={setNewRoles}
        />
        <OtherErrors errors={errors} shown={['username', 'password', 'email', 'roles']} />
        <ErrorBox error={add.error} />
        <button type="submit" disabled={add.isPending}>
          Add user
        </button>
      </form>
    </Page>
  );
}

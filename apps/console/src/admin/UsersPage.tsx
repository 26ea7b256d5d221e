/**
 * Users and their roles: searched on the server (username, display name or email) a page at a
 * time; add a user, change roles, enable or disable, delete.
 */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import {
  CheckboxGroup,
  DeleteButton,
  ErrorBox,
  FormPanel,
  ListTable,
  Page,
  PAGE_SIZE,
  Pager,
  SearchForm,
  TextField,
} from '../shared/ui';
import type { Admin, Answered } from '@apim/rest-contract';
import { UserDetails } from './UserDetails';

const STALE = [['admin', '/users']] as const;

function RolesEditor({
  user,
  roles,
}: {
  user: Answered<Admin.User, 'id' | 'roles' | 'enabled'>;
  roles: string[];
}) {
  const [values, setValues] = useState(user.roles);
  const save = useRestMutation(
    (body: object) => request('admin', `/users/${user.id}`, { method: 'PATCH', json: body }),
    { stale: STALE },
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

function AddUser({ roles }: { roles: string[] }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const [newRoles, setNewRoles] = useState<string[]>(['subscriber']);
  const add = useCheckedWrite(
    'admin',
    'addUser',
    (body: object) => request('admin', '/users', { json: body }),
    {
      stale: STALE,
      onSuccess: () => {
        setUsername('');
        setPassword('');
        setEmail('');
      },
    },
  );
  const errors = add.errors;
  return (
    <FormPanel
      title="Add a user"
      write={add}
      shown={['username', 'password', 'email', 'roles']}
      submit="Add user"
      onSubmit={() =>
        add.submit({
          username: username.trim(),
          password,
          roles: newRoles,
          ...(email.trim() ? { email: email.trim() } : {}),
        })
      }
    >
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
    </FormPanel>
  );
}

export function UsersPage() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const users = useRest<ListOf<Answered<Admin.User, 'id' | 'roles' | 'enabled'>>>('admin', '/users', {
    query: search,
    limit: PAGE_SIZE,
    offset,
  });
  const rolesQuery = useRest<ListOf<Admin.Role>>('admin', '/roles');
  const roles = (rolesQuery.data?.list ?? []).map((r) => r.name);
  return (
    <Page title="Users and roles">
      <SearchForm
        label="Find users"
        initial={search}
        placeholder="Part of a username, display name or email"
        onSearch={(text) => {
          setSearch(text);
          setOffset(0);
        }}
      />
      <ListTable
        query={users}
        what="users"
        label="Users"
        empty={search ? `No user matches “${search}”.` : 'No users.'}
        rowKey={(u) => u.id}
        columns={[
          {
            header: 'User',
            cell: (u) => <UserDetails key={`${u.displayName}|${u.email}`} user={u} />,
          },
          { header: 'Roles', cell: (u) => <RolesEditor key={u.roles.join()} user={u} roles={roles} /> },
        ]}
        actions={(u) => (
          <DeleteButton
            api="admin"
            path={`/users/${u.id}`}
            stale={STALE}
            label={`Delete ${u.username}`}
            question={`Delete the user ${u.username}?`}
            effect="They can no longer sign in. This cannot be undone."
          />
        )}
      />
      <Pager offset={offset} total={users.data?.pagination?.total ?? 0} onGo={setOffset} />
      <ErrorBox error={rolesQuery.error} />
      <AddUser roles={roles} />
    </Page>
  );
}

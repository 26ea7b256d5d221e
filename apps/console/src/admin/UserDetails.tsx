/** A user's display name and email, changed in place by an admin (PATCH /users/{id}). */
import { useState } from 'react';
import type { Admin, Answered } from '@apim/rest-contract';
import { request } from '../shared/api';
import { useCheckedWrite } from '../shared/schema';
import { ErrorBox, OtherErrors, TextField } from '../shared/ui';
import { useNotify } from '../shared/notify';

type User = Answered<Admin.User, 'id' | 'roles' | 'enabled'>;

export function UserDetails({ user }: { user: User }) {
  const [editing, setEditing] = useState(false);
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [email, setEmail] = useState(user.email ?? '');
  const notify = useNotify();
  const save = useCheckedWrite(
    'admin',
    'updateUser',
    (body: Partial<Admin.User>) => request('admin', `/users/${user.id}`, { method: 'PATCH', json: body }),
    {
      stale: [['admin', '/users']],
      labels: { displayName: 'Display name', email: 'Email' },
      onSuccess: () => {
        setEditing(false);
        notify({ message: `${user.username}’s details saved.` });
      },
    },
  );
  if (!editing)
    return (
      <>
        <strong>{user.username}</strong>
        {user.displayName && user.displayName !== user.username && <div>{user.displayName}</div>}
        {user.email && <div className="muted">{user.email}</div>}
        {!user.enabled && <div className="badge badge-blocked">Disabled</div>}
        <div>
          <button
            type="button"
            className="link"
            aria-label={`Edit details of ${user.username}`}
            onClick={() => setEditing(true)}
          >
            Edit details
          </button>
        </div>
      </>
    );
  return (
    <form
      aria-label={`Details of ${user.username}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.submit({
          displayName: displayName.trim() || user.username,
          ...(email.trim() ? { email: email.trim() } : {}),
        });
      }}
    >
      <strong>{user.username}</strong>
      <TextField
        label="Display name"
        value={displayName}
        error={save.errors?.displayName}
        onChange={setDisplayName}
      />
      <TextField label="Email" type="email" value={email} error={save.errors?.email} onChange={setEmail} />
      <OtherErrors errors={save.errors} shown={['displayName', 'email']} />
      <ErrorBox error={save.mutation.error} />
      <div className="row">
        <button type="submit" className="small" disabled={save.mutation.isPending}>
          Save details
        </button>
        <button type="button" className="secondary small" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

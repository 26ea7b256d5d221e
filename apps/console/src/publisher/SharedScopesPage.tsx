/** Shared scopes: defined once, usable by the resources of every API. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import { DeleteButton, FormPanel, ListTable, Page, splitList, TextField } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';

const STALE = [['publisher', '/scopes']] as const;

function AddSharedScope() {
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [roles, setRoles] = useState('');
  const add = useCheckedWrite(
    'publisher',
    'addSharedScope',
    (body: object) => request('publisher', '/scopes', { json: body }),
    {
      stale: STALE,
      onSuccess: () => {
        setName('');
        setDisplayName('');
        setDescription('');
        setRoles('');
      },
    },
  );
  const errors = add.errors;
  return (
    <FormPanel
      title="Add a shared scope"
      write={add}
      shown={['name', 'displayName', 'description', 'bindings']}
      submit="Add scope"
      onSubmit={() =>
        add.submit({
          name: name.trim(),
          displayName: displayName.trim() || name.trim(),
          description: description.trim(),
          bindings: splitList(roles),
        })
      }
    >
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
    </FormPanel>
  );
}

export function SharedScopesPage() {
  const scopes = useRest<ListOf<Complete<Publisher.Scope>>>('publisher', '/scopes', { limit: 1000 });
  return (
    <Page title="Shared scopes">
      <ListTable
        query={scopes}
        what="shared scopes"
        empty="No shared scopes yet."
        rowKey={(s) => s.id}
        columns={[
          { header: 'Name', cell: (s) => <code>{s.name}</code> },
          { header: 'Description', cell: (s) => s.description },
          { header: 'Roles', cell: (s) => s.bindings.join(', ') || <span className="muted">any role</span> },
          { header: 'Used by', cell: (s) => `${s.usageCount ?? 0} resources` },
        ]}
        actions={(s) => (
          <DeleteButton api="publisher" path={`/scopes/${s.id}`} stale={STALE} label={`Delete ${s.name}`} />
        )}
      />
      <AddSharedScope />
    </Page>
  );
}

/** Gateway environments: where revisions are deployed, with the virtual hosts gateways answer on. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import { DeleteButton, FormPanel, ListTable, Page, SelectField, TextField } from '../shared/ui';
import type { Admin, Answered } from '@apim/rest-contract';

const STALE = [['admin', '/environments']] as const;

function AddEnvironment() {
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState('hybrid');
  const [host, setHost] = useState('');
  const [httpPort, setHttpPort] = useState('8280');
  const [httpsPort, setHttpsPort] = useState('8243');
  const add = useCheckedWrite(
    'admin',
    'addEnvironment',
    (body: object) => request('admin', '/environments', { json: body }),
    {
      stale: STALE,
      onSuccess: () => {
        setName('');
        setDisplayName('');
        setHost('');
      },
    },
  );
  const errors = add.errors;
  return (
    <FormPanel
      title="Add an environment"
      write={add}
      shown={['name', 'displayName', 'vhosts.0.host', 'vhosts.0.httpPort', 'vhosts.0.httpsPort']}
      submit="Add environment"
      onSubmit={() =>
        add.submit({
          name: name.trim(),
          displayName: displayName.trim() || name.trim(),
          description: description.trim(),
          type,
          vhosts: [
            { host: host.trim(), httpContext: '', httpPort: Number(httpPort), httpsPort: Number(httpsPort) },
          ],
        })
      }
    >
      <div className="row">
        <TextField label="Name" required value={name} error={errors?.name} onChange={setName} />
        <TextField
          label="Display name"
          value={displayName}
          error={errors?.displayName}
          onChange={setDisplayName}
        />
        <SelectField
          label="Type"
          value={type}
          options={['hybrid', 'production', 'sandbox']}
          onChange={setType}
        />
      </div>
      <TextField label="Description" value={description} onChange={setDescription} />
      <div className="row">
        <TextField
          label="Host"
          required
          value={host}
          placeholder="gw.example.com"
          error={errors?.['vhosts.0.host']}
          onChange={setHost}
        />
        <TextField
          label="HTTP port"
          type="number"
          value={httpPort}
          error={errors?.['vhosts.0.httpPort']}
          onChange={setHttpPort}
        />
        <TextField
          label="HTTPS port"
          type="number"
          value={httpsPort}
          error={errors?.['vhosts.0.httpsPort']}
          onChange={setHttpsPort}
        />
      </div>
    </FormPanel>
  );
}

export function EnvironmentsPage() {
  const list = useRest<ListOf<Answered<Admin.Environment, 'id'>>>('admin', '/environments');
  return (
    <Page title="Gateway environments">
      <ListTable
        query={list}
        what="environments"
        empty="No gateway environments."
        rowKey={(e) => e.id}
        columns={[
          {
            header: 'Name',
            cell: (e) => (
              <>
                {e.displayName} <span className="muted">({e.name})</span>
              </>
            ),
          },
          { header: 'Type', cell: (e) => e.type },
          {
            header: 'Virtual hosts',
            cell: (e) =>
              e.vhosts.map((v) => (
                <div key={v.host}>
                  <code>
                    {v.host}:{v.httpPort ?? ''}
                    {v.httpContext ? `/${v.httpContext}` : ''}
                  </code>
                </div>
              )),
          },
          { header: 'Description', cell: (e) => e.description },
        ]}
        actions={(e) =>
          !e.isReadOnly && (
            <DeleteButton
              api="admin"
              path={`/environments/${e.id}`}
              stale={STALE}
              label={`Delete ${e.name}`}
            />
          )
        }
      />
      <AddEnvironment />
    </Page>
  );
}

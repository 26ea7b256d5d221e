/** Gateway environments: where revisions are deployed, with the virtual hosts gateways answer on. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { ErrorBox, OtherErrors, Page, QueryView, SelectField, TextField } from '../shared/ui';

interface Vhost {
  host: string;
  httpContext?: string;
  httpPort?: number;
  httpsPort?: number;
}

interface Environment {
  id: string;
  name: string;
  displayName: string;
  description?: string;
  type?: string;
  isReadOnly?: boolean;
  vhosts: Vhost[];
}

export function EnvironmentsPage() {
  const list = useRest<ListOf<Environment>>('admin', '/environments');
  const check = useBodyCheck('admin', 'addEnvironment');
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState('hybrid');
  const [host, setHost] = useState('');
  const [httpPort, setHttpPort] = useState('8280');
  const [httpsPort, setHttpsPort] = useState('8243');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const add = useRestMutation((body: object) => request('admin', '/environments', { json: body }), {
    stale: [['admin', '/environments']],
    onSuccess: () => {
      setName('');
      setDisplayName('');
      setHost('');
    },
  });
  const remove = useRestMutation(
    (id: string) => request('admin', `/environments/${id}`, { method: 'DELETE' }),
    {
      stale: [['admin', '/environments']],
    },
  );
  return (
    <Page title="Gateway environments">
      <QueryView
        query={list}
        what="environments"
        isEmpty={(d) => d.list.length === 0}
        empty="No gateway environments."
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Virtual hosts</th>
                <th scope="col">Description</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((e) => (
                <tr key={e.id}>
                  <td>
                    {e.displayName} <span className="muted">({e.name})</span>
                  </td>
                  <td>{e.type}</td>
                  <td>
                    {e.vhosts.map((v) => (
                      <div key={v.host}>
                        <code>
                          {v.host}:{v.httpPort ?? ''}
                          {v.httpContext ? `/${v.httpContext}` : ''}
                        </code>
                      </div>
                    ))}
                  </td>
                  <td>{e.description}</td>
                  <td>
                    {!e.isReadOnly && (
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`Delete ${e.name}`}
                        onClick={() => remove.mutate(e.id)}
                      >
                        Delete
                      </button>
                    )}
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
            type,
            vhosts: [
              {
                host: host.trim(),
                httpContext: '',
                httpPort: Number(httpPort),
                httpsPort: Number(httpsPort),
              },
            ],
          };
          const found = check(body);
          setErrors(found);
          if (!found) add.mutate(body);
        }}
      >
        <h2>Add an environment</h2>
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
        <OtherErrors
          errors={errors}
          shown={['name', 'displayName', 'vhosts.0.host', 'vhosts.0.httpPort', 'vhosts.0.httpsPort']}
        />
        <ErrorBox error={add.error} />
        <button type="submit" disabled={add.isPending}>
          Add environment
        </button>
      </form>
    </Page>
  );
}

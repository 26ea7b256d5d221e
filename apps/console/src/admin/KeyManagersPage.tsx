/** Key managers: the resident one and external OIDC issuers whose JWTs gateways accept. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { Checkbox, ErrorBox, OtherErrors, Page, QueryView, TextField } from '../shared/ui';

interface KeyManager {
  id: string;
  name: string;
  displayName?: string;
  type?: string;
  description?: string;
  enabled: boolean;
  issuer?: string;
}

export function KeyManagersPage() {
  const list = useRest<ListOf<KeyManager>>('admin', '/key-managers');
  const check = useBodyCheck('admin', 'addNewKeyManager');
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [wellKnown, setWellKnown] = useState('');
  const [jwks, setJwks] = useState('');
  const [audience, setAudience] = useState('');
  const [consumerKeyClaim, setConsumerKeyClaim] = useState('azp');
  const [scopesClaim, setScopesClaim] = useState('scope');
  const [enabled, setEnabled] = useState(true);
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const stale = [['admin', '/key-managers']] as const;
  const add = useRestMutation((body: object) => request('admin', '/key-managers', { json: body }), {
    stale,
    onSuccess: () => {
      setName('');
      setIssuer('');
      setWellKnown('');
      setJwks('');
    },
  });
  const remove = useRestMutation(
    (id: string) => request('admin', `/key-managers/${id}`, { method: 'DELETE' }),
    { stale },
  );
  return (
    <Page title="Key managers">
      <QueryView
        query={list}
        what="key managers"
        isEmpty={(d) => d.list.length === 0}
        empty="No key managers."
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Issuer</th>
                <th scope="col">Enabled</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.displayName ?? k.name} {k.type && <span className="muted">({k.type})</span>}
                  </td>
                  <td>
                    <code>{k.issuer}</code>
                  </td>
                  <td>{k.enabled ? 'yes' : 'no'}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Delete ${k.name}`}
                      onClick={() => remove.mutate(k.id)}
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
            displayName: name.trim(),
            type: 'custom',
            issuer: issuer.trim(),
            enabled,
            ...(wellKnown.trim() ? { wellKnownEndpoint: wellKnown.trim() } : {}),
            ...(jwks.trim() ? { certificates: { type: 'JWKS', value: jwks.trim() } } : {}),
            ...(audience.trim() ? { audience: audience.trim() } : {}),
            consumerKeyClaim: consumerKeyClaim.trim(),
            scopesClaim: scopesClaim.trim(),
          };
          const found = check(body);
          setErrors(found);
          if (!found) add.mutate(body);
        }}
      >
        <h2>Add a trusted issuer</h2>
        <div className="row">
          <TextField label="Name" required value={name} error={errors?.name} onChange={setName} />
          <TextField
            label="Issuer"
            required
            value={issuer}
            placeholder="https://idp.example.com"
            error={errors?.issuer}
            onChange={setIssuer}
          />
        </div>
        <TextField
          label="Discovery (well-known) URL"
          type="url"
          value={wellKnown}
          error={errors?.wellKnownEndpoint}
          onChange={setWellKnown}
        />
        <TextField
          label="JWKS URL"
          type="url"
          value={jwks}
          error={errors?.['certificates.value']}
          onChange={setJwks}
        />
        <div className="row">
          <TextField label="Audience" value={audience} error={errors?.audience} onChange={setAudience} />
          <TextField
            label="Consumer key claim"
            value={consumerKeyClaim}
            error={errors?.consumerKeyClaim}
            onChange={setConsumerKeyClaim}
          />
          <TextField
            label="Scopes claim"
            value={scopesClaim}
            error={errors?.scopesClaim}
            onChange={setScopesClaim}
          />
        </div>
        <Checkbox label="Enabled" checked={enabled} onChange={setEnabled} />
        <OtherErrors
          errors={errors}
          shown={[
            'name',
            'issuer',
            'wellKnownEndpoint',
            'certificates',
            'audience',
            'consumerKeyClaim',
            'scopesClaim',
          ]}
        />
        <ErrorBox error={add.error} />
        <button type="submit" disabled={add.isPending}>
          Add key manager
        </button>
      </form>
    </Page>
  );
}

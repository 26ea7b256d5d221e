/** Key managers: the resident one and external OIDC issuers whose JWTs gateways accept. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import { errorAt } from '../shared/schema';
import { Checkbox, DeleteButton, FormPanel, ListTable, Page, TextField } from '../shared/ui';

interface KeyManager {
  id: string;
  name: string;
  displayName?: string;
  type?: string;
  description?: string;
  enabled: boolean;
  issuer?: string;
}

const STALE = [['admin', '/key-managers']] as const;

function AddIssuer() {
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [wellKnown, setWellKnown] = useState('');
  const [jwks, setJwks] = useState('');
  const [audience, setAudience] = useState('');
  const [consumerKeyClaim, setConsumerKeyClaim] = useState('azp');
  const [scopesClaim, setScopesClaim] = useState('scope');
  const [enabled, setEnabled] = useState(true);
  const add = useCheckedWrite(
    'admin',
    'addNewKeyManager',
    (body: object) => request('admin', '/key-managers', { json: body }),
    {
      stale: STALE,
      onSuccess: () => {
        setName('');
        setIssuer('');
        setWellKnown('');
        setJwks('');
      },
    },
  );
  const errors = add.errors;
  return (
    <FormPanel
      title="Add a trusted issuer"
      write={add}
      shown={[
        'name',
        'issuer',
        'wellKnownEndpoint',
        'certificates',
        'audience',
        'consumerKeyClaim',
        'scopesClaim',
      ]}
      submit="Add key manager"
      onSubmit={() =>
        add.submit({
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
        })
      }
    >
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
        error={errorAt(errors, 'certificates')}
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
    </FormPanel>
  );
}

export function KeyManagersPage() {
  const list = useRest<ListOf<KeyManager>>('admin', '/key-managers');
  return (
    <Page title="Key managers">
      <ListTable
        query={list}
        what="key managers"
        empty="No key managers."
        rowKey={(k) => k.id}
        columns={[
          {
            header: 'Name',
            cell: (k) => (
              <>
                {k.displayName ?? k.name} {k.type && <span className="muted">({k.type})</span>}
              </>
            ),
          },
          { header: 'Issuer', cell: (k) => <code>{k.issuer}</code> },
          { header: 'Enabled', cell: (k) => (k.enabled ? 'yes' : 'no') },
        ]}
        actions={(k) => (
          <DeleteButton api="admin" path={`/key-managers/${k.id}`} stale={STALE} label={`Delete ${k.name}`} />
        )}
      />
      <AddIssuer />
    </Page>
  );
}

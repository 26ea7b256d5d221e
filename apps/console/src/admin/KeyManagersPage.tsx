/**
 * Key managers (WSO2's admin "Key Managers"): the external OpenID providers whose access tokens
 * the gateways accept on the APIs that allow them, beside the built-in resident key manager. The
 * list says which can introspect opaque tokens and register applications; `?add` and `?edit=<id>`
 * open the forms.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { DeleteButton, ListTable, Notice, Page, QueryView } from '../shared/ui';
import { KEY_MANAGERS_STALE, KeyManagerForm } from './KeyManagerForm';
import type { Admin, Answered } from '@apim/rest-contract';
import { typeLabel } from './key-manager-types';

function EditKeyManager(props: { id: string; onDone: (km: Admin.KeyManager) => void; onCancel: () => void }) {
  const km = useRest<Admin.KeyManager>('admin', `/key-managers/${props.id}`);
  return (
    <QueryView query={km} what="the key manager">
      {(k) => <KeyManagerForm key={k.id} existing={k} onDone={props.onDone} onCancel={props.onCancel} />}
    </QueryView>
  );
}

const nameOf = (k: Admin.KeyManager) => k.displayName || k.name;

export function KeyManagersPage() {
  const list = useRest<ListOf<Answered<Admin.KeyManager, 'id'>>>('admin', '/key-managers');
  const [params, setParams] = useSearchParams();
  const [done, setDone] = useState<string | null>(null);
  const editing = params.get('edit');
  const adding = params.has('add') && !editing;
  const open = (p: Record<string, string>) => {
    setDone(null);
    setParams(p);
  };
  const close = (message?: string) => {
    setDone(message ?? null);
    setParams({});
  };
  return (
    <Page
      title="Key managers"
      actions={
        !adding &&
        !editing && (
          <button type="button" onClick={() => open({ add: '' })}>
            Add key manager
          </button>
        )
      }
    >
      <p className="muted">
        OpenID Connect providers whose access tokens the gateways accept, on the APIs that allow them. The
        resident key manager is built in and always trusted.
      </p>
      {done && <Notice>{done}</Notice>}
      {adding && (
        <KeyManagerForm onDone={(k) => close(`Key manager ${nameOf(k)} added.`)} onCancel={() => close()} />
      )}
      {editing && (
        <EditKeyManager
          id={editing}
          onDone={(k) => close(`Key manager ${nameOf(k)} saved.`)}
          onCancel={() => close()}
        />
      )}
      <ListTable
        query={list}
        what="key managers"
        label="Key managers"
        empty="No external key managers yet: only the resident key manager issues tokens."
        rowKey={(k) => k.id}
        columns={[
          {
            header: 'Name',
            cell: (k) => (
              <>
                {nameOf(k)}
                {k.displayName && k.displayName !== k.name && <div className="muted">{k.name}</div>}
              </>
            ),
          },
          { header: 'Type', cell: (k) => typeLabel(k.type) },
          { header: 'Issuer', cell: (k) => <code>{k.issuer}</code> },
          {
            header: 'Token introspection',
            cell: (k) =>
              k.introspectionEndpoint ? (
                <>
                  Yes <span className="muted">(as {k.introspectionClientId})</span>
                </>
              ) : (
                'No'
              ),
          },
          {
            header: 'Client registration',
            cell: (k) =>
              k.clientRegistrationEndpoint ? (
                <>
                  Yes{' '}
                  <span className="muted">
                    ({k.registrationTokenSet ? 'with a registration token' : 'open'})
                  </span>
                </>
              ) : (
                'No'
              ),
          },
          { header: 'Enabled', cell: (k) => (k.enabled ? 'Yes' : 'No') },
        ]}
        actions={(k) => (
          <div className="button-row">
            <button
              type="button"
              className="secondary small"
              aria-label={`Edit ${k.name}`}
              onClick={() => open({ edit: k.id })}
            >
              Edit
            </button>
            {/* not the one open in the edit form above */}
            {editing !== k.id && (
              <DeleteButton
                api="admin"
                path={`/key-managers/${k.id}`}
                stale={KEY_MANAGERS_STALE}
                label={`Delete ${k.name}`}
                question={`Delete the key manager ${nameOf(k)}?`}
                effect="The application keys it issued or mapped are removed too (clients created there for them are deleted at the provider), and the gateways stop accepting its tokens."
              />
            )}
          </div>
        )}
      />
    </Page>
  );
}

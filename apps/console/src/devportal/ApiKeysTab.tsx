/**
 * API keys: signed keys of the application, shown once, optionally bound to IPs or referrers; the
 * issued ones listed by what is kept of them (never the key) and revoked one by one.
 */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { errorAt, useCheckedWrite } from '../shared/schema';
import { DeleteButton, formatDate, FormPanel, ListTable, SelectField, TextField } from '../shared/ui';
import { SecretOnce } from './KeysTab';
import { rememberCredential } from './token-memory';
import type { Complete, Devportal } from '@apim/rest-contract';
import { KEY_TYPE_LABELS, labelOf, optionsOf } from '../shared/labels';

function IssuedKeys({ app, keyType }: { app: Complete<Devportal.Application>; keyType: KeyType }) {
  const path = `/applications/${app.applicationId}/api-keys/${keyType}`;
  const keys = useRest<ListOf<Devportal.APIKeyInfo>>('devportal', path);
  const type = labelOf(KEY_TYPE_LABELS, keyType).toLowerCase();
  return (
    <section className="panel" aria-labelledby="issued-api-keys">
      <h2 id="issued-api-keys">Issued {type} API keys</h2>
      <ListTable
        query={keys}
        what="API keys"
        label={`Issued ${type} API keys`}
        empty={`No ${type} API keys in use.`}
        rowKey={(k) => k.keyUUID}
        columns={[
          { header: 'Key', cell: (k) => (k.lastCharacters ? <code>…{k.lastCharacters}</code> : k.keyName) },
          { header: 'Issued', cell: (k) => formatDate(k.createdTime) },
          { header: 'Expires', cell: (k) => (k.expiresAt ? formatDate(k.expiresAt) : 'Never') },
          {
            header: 'Limited to',
            cell: (k) => [k.permittedIP, k.permittedReferer].filter(Boolean).join('; ') || 'Any caller',
          },
        ]}
        actions={(k) => (
          <DeleteButton
            api="devportal"
            path={`${path}/${k.keyUUID}`}
            stale={[['devportal', path]]}
            label={`Revoke the key ending ${k.lastCharacters ?? k.keyName}`}
            text="Revoke"
            question={`Revoke the ${type} API key ${k.lastCharacters ? `ending ${k.lastCharacters}` : k.keyName}?`}
            effect="Every gateway refuses calls made with it from now on. This cannot be undone."
          />
        )}
      />
    </section>
  );
}

type KeyType = 'PRODUCTION' | 'SANDBOX';

export function ApiKeysTab({ app }: { app: Complete<Devportal.Application> }) {
  const [keyType, setKeyType] = useState<KeyType>('PRODUCTION');
  const [validity, setValidity] = useState('-1');
  const [ips, setIps] = useState('');
  const [referers, setReferers] = useState('');
  const write = useCheckedWrite(
    'devportal',
    'applicationsApplicationIdApiKeysKeyTypeGeneratePost',
    (body: Devportal.APIKeyGenerateRequest) =>
      request<Complete<Devportal.APIKey>>(
        'devportal',
        `/applications/${app.applicationId}/api-keys/${keyType}/generate`,
        {
          json: body,
        },
      ),
    {
      stale: [['devportal', `/applications/${app.applicationId}/api-keys`]],
      onSuccess: (k) =>
        rememberCredential({
          applicationId: app.applicationId,
          applicationName: app.name,
          keyType,
          kind: 'apikey',
          value: k.apikey,
          scopes: [],
          expiresAt: k.validityTime > 0 ? Date.now() + k.validityTime * 1000 : null,
        }),
    },
  );
  const issued = write.mutation.data;
  return (
    <>
      <FormPanel
        title="Generate an API key"
        write={write}
        shown={['validityPeriod']}
        submit="Generate API key"
        pending="Generating…"
        onSubmit={() => {
          const additionalProperties: Record<string, string> = {};
          if (ips.trim()) additionalProperties.permittedIP = ips.trim();
          if (referers.trim()) additionalProperties.permittedReferer = referers.trim();
          const body = { validityPeriod: Number(validity), additionalProperties };
          const valid =
            Number.isInteger(body.validityPeriod) && (body.validityPeriod >= 1 || body.validityPeriod === -1);
          write.submit(
            body,
            valid ? {} : { validityPeriod: 'must be a whole number of seconds, or -1 for no expiry' },
          );
        }}
      >
        <div className="row">
          <SelectField
            label="Key type"
            value={keyType}
            options={optionsOf(KEY_TYPE_LABELS)}
            onChange={(v) => setKeyType(v as KeyType)}
          />
          <TextField
            label="Validity (seconds, -1: no expiry)"
            type="number"
            value={validity}
            error={errorAt(write.errors, 'validityPeriod')}
            onChange={setValidity}
          />
        </div>
        <div className="row">
          <TextField
            label="Permitted IP addresses"
            hint="Comma separated; IPs or CIDR ranges"
            value={ips}
            onChange={setIps}
          />
          <TextField
            label="Permitted HTTP referrers"
            hint="Comma separated; * wildcards allowed"
            value={referers}
            onChange={setReferers}
          />
        </div>
      </FormPanel>
      {issued && <SecretOnce label="API key" value={issued.apikey} />}
      <IssuedKeys app={app} keyType={keyType} />
    </>
  );
}

/** API keys: signed keys of the application, shown once, optionally bound to IPs or referrers. */
import { useState } from 'react';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { errorAt, useCheckedWrite } from '../shared/schema';
import { ErrorBox, FormPanel, Notice, SelectField, TextField, useConfirm } from '../shared/ui';
import { SecretOnce } from './KeysTab';
import { rememberCredential } from './token-memory';
import type { Complete, Devportal } from '@apim/rest-contract';
import { KEY_TYPE_LABELS, optionsOf } from '../shared/labels';

export function ApiKeysTab({ app }: { app: Complete<Devportal.Application> }) {
  const [keyType, setKeyType] = useState<'PRODUCTION' | 'SANDBOX'>('PRODUCTION');
  const [validity, setValidity] = useState('-1');
  const [ips, setIps] = useState('');
  const [referers, setReferers] = useState('');
  const [revokeKey, setRevokeKey] = useState('');
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
      stale: [],
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
  const revoke = useRestMutation(
    () =>
      request('devportal', `/applications/${app.applicationId}/api-keys/${keyType}/revoke`, {
        json: { apikey: revokeKey.trim() },
      }),
    { stale: [], onSuccess: () => setRevokeKey('') },
  );
  const issued = write.mutation.data;
  const confirm = useConfirm();
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
            onChange={(v) => setKeyType(v as 'PRODUCTION' | 'SANDBOX')}
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
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          if (revokeKey.trim())
            confirm.ask(
              {
                title: `Revoke this ${keyType.toLowerCase()} API key?`,
                effect: 'Calls made with it are refused from now on. This cannot be undone.',
                confirm: 'Revoke',
              },
              () => revoke.mutate(),
            );
        }}
      >
        <h2>Revoke an API key</h2>
        <TextField label="API key to revoke" value={revokeKey} onChange={setRevokeKey} />
        <ErrorBox error={revoke.error} />
        {revoke.isSuccess && <Notice>The API key was revoked.</Notice>}
        <button type="submit" className="danger" disabled={revoke.isPending || !revokeKey.trim()}>
          Revoke
        </button>
        {confirm.dialog}
      </form>
    </>
  );
}

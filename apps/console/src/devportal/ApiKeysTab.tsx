/** API keys: signed keys of the application, shown once, optionally bound to IPs or referrers. */
import { useState } from 'react';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { ErrorBox, Notice, OtherErrors, SelectField, TextField } from '../shared/ui';
import { SecretOnce } from './KeysTab';
import { rememberCredential } from './token-memory';
import type { ApiKeyInfo, Application } from './types';

export function ApiKeysTab({ app }: { app: Application }) {
  const check = useBodyCheck('devportal', 'applicationsApplicationIdApiKeysKeyTypeGeneratePost');
  const [keyType, setKeyType] = useState<'PRODUCTION' | 'SANDBOX'>('PRODUCTION');
  const [validity, setValidity] = useState('-1');
  const [ips, setIps] = useState('');
  const [referers, setReferers] = useState('');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const [revokeKey, setRevokeKey] = useState('');
  const generate = useRestMutation(
    (body: object) =>
      request<ApiKeyInfo>('devportal', `/applications/${app.applicationId}/api-keys/${keyType}/generate`, {
        json: body,
      }),
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
  return (
    <>
      <form
        className="panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const additionalProperties: Record<string, string> = {};
          if (ips.trim()) additionalProperties.permittedIP = ips.trim();
          if (referers.trim()) additionalProperties.permittedReferer = referers.trim();
          const body = { validityPeriod: Number(validity), additionalProperties };
          const found: FieldErrors = { ...(check(body) ?? {}) };
          if (
            !Number.isInteger(body.validityPeriod) ||
            (body.validityPeriod < 1 && body.validityPeriod !== -1)
          )
            found.validityPeriod = 'must be a whole number of seconds, or -1 for no expiry';
          setErrors(Object.keys(found).length ? found : null);
          if (!Object.keys(found).length) generate.mutate(body);
        }}
      >
        <h2>Generate an API key</h2>
        <div className="row">
          <SelectField
            label="Key type"
            value={keyType}
            options={[
              { value: 'PRODUCTION', label: 'Production' },
              { value: 'SANDBOX', label: 'Sandbox' },
            ]}
            onChange={(v) => setKeyType(v as 'PRODUCTION' | 'SANDBOX')}
          />
          <TextField
            label="Validity (seconds, -1: no expiry)"
            type="number"
            value={validity}
            error={errors?.validityPeriod}
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
        <OtherErrors errors={errors} shown={['validityPeriod']} />
        <ErrorBox error={generate.error} />
        <button type="submit" disabled={generate.isPending}>
          {generate.isPending ? 'Generating…' : 'Generate API key'}
        </button>
        {generate.data && <SecretOnce label="API key" value={generate.data.apikey} />}
      </form>
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          if (revokeKey.trim()) revoke.mutate();
        }}
      >
        <h2>Revoke an API key</h2>
        <TextField label="API key to revoke" value={revokeKey} onChange={setRevokeKey} />
        <ErrorBox error={revoke.error} />
        {revoke.isSuccess && <Notice>The API key was revoked.</Notice>}
        <button type="submit" className="danger" disabled={revoke.isPending || !revokeKey.trim()}>
          Revoke
        </button>
      </form>
    </>
  );
}

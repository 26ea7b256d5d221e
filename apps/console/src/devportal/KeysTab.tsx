/**
 * OAuth keys of one key type: generate the client, regenerate its secret (shown once, with a copy
 * button: only its hash is kept), and generate access tokens with scopes and a validity.
 */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { errorAt, useCheckedWrite, type FieldErrors } from '../shared/schema';
import { CheckboxGroup, CopyButton, ErrorBox, FormPanel, Notice, QueryView, TextField } from '../shared/ui';
import { rememberCredential } from './token-memory';
import type { Application, ApplicationKey, ApplicationToken } from './types';

const GRANT_TYPES = [
  { value: 'client_credentials', label: 'Client credentials' },
  { value: 'password', label: 'Password' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'authorization_code', label: 'Authorization code' },
];

export function SecretOnce({ label, value }: { label: string; value: string }) {
  return (
    <div className="panel" role="status">
      <p>
        <strong>{label}</strong> — copy it now: it is shown only once.
      </p>
      <div className="secret">
        <code aria-label={label}>{value}</code>
        <CopyButton text={value} label={`Copy the ${label.toLowerCase()}`} />
      </div>
    </div>
  );
}

interface GenerateKeysBody {
  keyType: string;
  grantTypesToBeSupported: string[];
  callbackUrl?: string;
}

function GenerateKeys({
  app,
  keyType,
  onSecret,
}: {
  app: Application;
  keyType: string;
  onSecret: (s: string) => void;
}) {
  const [grants, setGrants] = useState(['client_credentials']);
  const [callback, setCallback] = useState('');
  const write = useCheckedWrite(
    'devportal',
    'applicationsApplicationIdGenerateKeysPost',
    (body: GenerateKeysBody) =>
      request<ApplicationKey>('devportal', `/applications/${app.applicationId}/generate-keys`, {
        json: body,
      }),
    {
      stale: [['devportal', `/applications/${app.applicationId}`]],
      onSuccess: (k) => k.consumerSecret && onSecret(k.consumerSecret),
    },
  );
  return (
    <FormPanel
      write={write}
      shown={['grantTypesToBeSupported', 'callbackUrl']}
      submit="Generate keys"
      pending="Generating…"
      onSubmit={() =>
        write.submit({
          keyType,
          grantTypesToBeSupported: grants,
          ...(callback.trim() ? { callbackUrl: callback.trim() } : {}),
        })
      }
    >
      <p>This application has no {keyType.toLowerCase()} keys yet.</p>
      <CheckboxGroup
        label="Grant types"
        options={GRANT_TYPES}
        values={grants}
        error={errorAt(write.errors, 'grantTypesToBeSupported')}
        onChange={setGrants}
      />
      {grants.includes('authorization_code') && (
        <TextField
          label="Callback URL"
          type="url"
          value={callback}
          error={errorAt(write.errors, 'callbackUrl')}
          onChange={setCallback}
        />
      )}
    </FormPanel>
  );
}

interface TokenBody {
  consumerSecret: string;
  validityPeriod: number;
  scopes: string[];
}

function TokenForm({ app, appKey, secret }: { app: Application; appKey: ApplicationKey; secret: string }) {
  const [consumerSecret, setConsumerSecret] = useState(secret);
  const [scopes, setScopes] = useState('');
  const [validity, setValidity] = useState('3600');
  const write = useCheckedWrite(
    'devportal',
    'applicationsApplicationIdOauthKeysKeyMappingIdGenerateTokenPost',
    (body: TokenBody) =>
      request<ApplicationToken>(
        'devportal',
        `/applications/${app.applicationId}/oauth-keys/${appKey.keyMappingId}/generate-token`,
        { json: body },
      ),
    {
      stale: [],
      onSuccess: (t) =>
        rememberCredential({
          applicationId: app.applicationId,
          applicationName: app.name,
          keyType: appKey.keyType,
          kind: 'oauth',
          value: t.accessToken,
          scopes: t.tokenScopes,
          expiresAt: Date.now() + t.validityTime * 1000,
        }),
    },
  );
  const shownSecret = consumerSecret || secret;
  const token = write.mutation.data;
  return (
    <>
      <FormPanel
        title="Generate an access token"
        write={write}
        shown={['consumerSecret', 'scopes', 'validityPeriod']}
        submit="Generate access token"
        pending="Generating…"
        onSubmit={() => {
          const body = {
            consumerSecret: shownSecret,
            validityPeriod: Number(validity),
            scopes: scopes.split(/[\s,]+/).filter(Boolean),
          };
          const more: FieldErrors = {};
          if (!shownSecret)
            more.consumerSecret = 'is required: paste the secret you copied, or regenerate it';
          if (!Number.isInteger(body.validityPeriod) || body.validityPeriod < 1)
            more.validityPeriod = 'must be a whole number of seconds';
          write.submit(body, more);
        }}
      >
        <p className="hint">
          A client-credentials token of this application, for calling the APIs it is subscribed to.
        </p>
        <TextField
          label="Consumer secret"
          type="password"
          value={shownSecret}
          error={errorAt(write.errors, 'consumerSecret')}
          onChange={setConsumerSecret}
        />
        <div className="row">
          <TextField
            label="Scopes"
            hint="Separated by spaces"
            value={scopes}
            error={errorAt(write.errors, 'scopes')}
            onChange={setScopes}
          />
          <TextField
            label="Validity (seconds)"
            type="number"
            min={1}
            value={validity}
            error={errorAt(write.errors, 'validityPeriod')}
            onChange={setValidity}
          />
        </div>
      </FormPanel>
      {token && (
        <>
          <SecretOnce label="Access token" value={token.accessToken} />
          <p className="muted">
            Valid for {token.validityTime} seconds
            {token.tokenScopes.length ? `, scopes: ${token.tokenScopes.join(' ')}` : ''}. Try-it uses it in
            this tab.
          </p>
        </>
      )}
    </>
  );
}

export function KeysTab({ app, keyType }: { app: Application; keyType: 'PRODUCTION' | 'SANDBOX' }) {
  const keys = useRest<ListOf<ApplicationKey>>('devportal', `/applications/${app.applicationId}/oauth-keys`);
  const [secret, setSecret] = useState('');
  const regenerate = useRestMutation(
    (k: ApplicationKey) =>
      request<{ consumerKey: string; consumerSecret: string }>(
        'devportal',
        `/applications/${app.applicationId}/oauth-keys/${k.keyMappingId}/regenerate-secret`,
        { method: 'POST' },
      ),
    { stale: [], onSuccess: (r) => setSecret(r.consumerSecret) },
  );
  return (
    <QueryView query={keys} what="the keys">
      {(data) => {
        const k = data.list.find((x) => x.keyType === keyType);
        if (!k) return <GenerateKeys app={app} keyType={keyType} onSecret={setSecret} />;
        return (
          <>
            <div className="panel">
              <dl className="kv">
                <dt>Consumer key</dt>
                <dd className="secret">
                  <code aria-label="Consumer key">{k.consumerKey}</code>
                  <CopyButton text={k.consumerKey} label="Copy the consumer key" />
                </dd>
                <dt>Grant types</dt>
                <dd>{(k.supportedGrantTypes ?? []).join(', ')}</dd>
                {k.callbackUrl && (
                  <>
                    <dt>Callback URL</dt>
                    <dd>{k.callbackUrl}</dd>
                  </>
                )}
              </dl>
              {secret ? (
                <SecretOnce label="Consumer secret" value={secret} />
              ) : (
                <p className="hint">
                  The consumer secret is stored only as a hash. Regenerate it if it is lost.
                </p>
              )}
              <ErrorBox error={regenerate.error} />
              {regenerate.isSuccess && <Notice>A new secret was issued; the old one no longer works.</Notice>}
              <button
                type="button"
                className="secondary"
                disabled={regenerate.isPending}
                onClick={() => {
                  if (window.confirm('Regenerate the consumer secret? The current secret stops working.'))
                    regenerate.mutate(k);
                }}
              >
                Regenerate secret
              </button>
            </div>
            <TokenForm key={secret} app={app} appKey={k} secret={secret} />
          </>
        );
      }}
    </QueryView>
  );
}

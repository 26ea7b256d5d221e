/**
 * The credential try-it sends: one generated in this tab for an application subscribed to the API
 * (kept for the tab's session), or a test token generated here for the signed-in owner without
 * the consumer secret (as WSO2's devportal does), with the scopes the API's operations require
 * checked. The curl of the token endpoint shows how a client gets one with its secret.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import type { ListOf } from '../shared/api';
import { useConfig } from '../shared/config-context';
import { useRest } from '../shared/hooks';
import { useNotify } from '../shared/notify';
import { errorAt } from '../shared/schema';
import { CheckboxGroup, FormPanel, SelectField } from '../shared/ui';
import type { Complete, Devportal } from '@apim/rest-contract';
import { requiredScopes } from './openapi-view';
import { curlSnippet } from './snippets';
import { useGenerateToken, validityErrors, ValidityField } from './token-generation';
import { useRememberedCredentials, type RememberedCredential } from './token-memory';

/** The kinds of remembered credential the API takes (no scheme of ours named: OAuth2, as the gateway does). */
function acceptedKinds(schemes: readonly string[]): Set<RememberedCredential['kind']> {
  const kinds = new Set<RememberedCredential['kind']>();
  if (schemes.includes('api_key')) kinds.add('apikey');
  if (schemes.includes('oauth2') || !schemes.some((s) => ['api_key', 'basic_auth', 'mutualssl'].includes(s)))
    kinds.add('oauth');
  return kinds;
}

export const credentialKey = (c: RememberedCredential) => `${c.applicationId}:${c.keyType}:${c.kind}`;

const ACTIVE = new Set(['UNBLOCKED', 'PROD_ONLY_BLOCKED']);

/** The user's subscriptions to the API that let calls through, and the credentials remembered for them. */
export function useTryItCredentials(api: Complete<Devportal.API>) {
  const subs = useRest<ListOf<Complete<Devportal.Subscription>>>('devportal', '/subscriptions', {
    apiId: api.id,
    limit: 100,
  });
  const active = (subs.data?.list ?? []).filter((s) => ACTIVE.has(s.status));
  const subscribed = new Set(active.map((s) => s.applicationId));
  const accepted = acceptedKinds(api.securityScheme ?? []);
  const usable = useRememberedCredentials().filter(
    (c) => subscribed.has(c.applicationId) && accepted.has(c.kind),
  );
  return { subscriptions: active, usable, takesTokens: accepted.has('oauth') };
}

const resident = (k: Devportal.ApplicationKey) =>
  (k.keyManager ?? RESIDENT_KEY_MANAGER) === RESIDENT_KEY_MANAGER;

function TestTokenForm({
  api,
  subscriptions,
  onToken,
}: {
  api: Complete<Devportal.API>;
  subscriptions: readonly Complete<Devportal.Subscription>[];
  onToken: (c: RememberedCredential) => void;
}) {
  const config = useConfig();
  const notify = useNotify();
  const apps = useRest<ListOf<Complete<Devportal.Application>>>('devportal', '/applications', { limit: 100 });
  const candidates = (apps.data?.list ?? []).filter((a) =>
    subscriptions.some((s) => s.applicationId === a.applicationId),
  );
  const [appId, setAppId] = useState('');
  const app = candidates.find((a) => a.applicationId === appId) ?? candidates[0];
  const keys = useRest<ListOf<Devportal.ApplicationKey>>(
    'devportal',
    `/applications/${app?.applicationId}/oauth-keys`,
    undefined,
    { enabled: !!app },
  );
  const ownKeys = (keys.data?.list ?? []).filter(resident);
  const [keyId, setKeyId] = useState('');
  const key = ownKeys.find((k) => k.keyMappingId === keyId) ?? ownKeys[0];
  const needed = requiredScopes(api);
  const [scopes, setScopes] = useState(needed);
  const [validity, setValidity] = useState('3600');
  const write = useGenerateToken(app, key, (remembered, t) => {
    onToken(remembered);
    notify({
      message: `Test token generated for ${remembered.applicationName}${t.tokenScopes.length ? ` with ${t.tokenScopes.join(' ')}` : ''}: try-it sends it.`,
    });
  });

  if (!apps.data) return null;
  if (candidates.length === 0)
    return (
      <p className="hint">
        Subscribe an application to this API on its{' '}
        <Link to={`/devportal/apis/${api.id}/overview`}>overview</Link> to get a token for trying it.
      </p>
    );
  return (
    <FormPanel
      title="Generate a test token"
      write={write}
      shown={['scopes', 'validityPeriod']}
      submit="Generate test token"
      pending="Generating…"
      onSubmit={() => {
        const validityPeriod = Number(validity);
        write.submit({ scopes, validityPeriod }, validityErrors(validityPeriod));
      }}
    >
      <p className="hint">
        A client-credentials token of your application, issued to you as its owner: no consumer secret needed.
      </p>
      <div className="row">
        <SelectField
          label="Application"
          value={app!.applicationId}
          options={candidates.map((a) => ({ value: a.applicationId, label: a.name }))}
          onChange={(id) => {
            setAppId(id);
            setKeyId('');
          }}
        />
        {ownKeys.length > 0 && (
          <SelectField
            label="Key type"
            value={key!.keyMappingId}
            options={ownKeys.map((k) => ({
              value: k.keyMappingId,
              label: k.keyType === 'SANDBOX' ? 'Sandbox' : 'Production',
            }))}
            onChange={setKeyId}
          />
        )}
        <ValidityField value={validity} errors={write.errors} onChange={setValidity} />
      </div>
      {keys.data && ownKeys.length === 0 ? (
        <p className="hint">
          {app!.name} has no keys yet:{' '}
          <Link to={`/devportal/applications/${app!.applicationId}/production-keys`}>generate them</Link>.
        </p>
      ) : (
        <>
          <CheckboxGroup
            label="Scopes"
            options={needed}
            values={scopes}
            error={errorAt(write.errors, 'scopes')}
            onChange={setScopes}
          />
          {key && (
            <details>
              <summary>Get a token with the consumer secret instead</summary>
              <pre tabIndex={0} aria-label="Token request with the consumer secret">
                {curlSnippet({
                  method: 'POST',
                  url: `${config.keyManagerUrl}/oauth2/token`,
                  headers: {
                    Authorization: `Basic Base64(${key.consumerKey}:<consumer secret>)`,
                    'Content-Type': 'application/x-www-form-urlencoded',
                  },
                  body: `grant_type=client_credentials${scopes.length ? `&scope=${scopes.join('+')}` : ''}`,
                })}
              </pre>
            </details>
          )}
        </>
      )}
    </FormPanel>
  );
}

/** The credential choice and the test token form, above the reference. */
export function TryItCredential({
  api,
  credentials,
  chosen,
  onChoose,
}: {
  api: Complete<Devportal.API>;
  credentials: ReturnType<typeof useTryItCredentials>;
  chosen: RememberedCredential | undefined;
  onChoose: (key: string) => void;
}) {
  const { usable, subscriptions, takesTokens } = credentials;
  const needed = requiredScopes(api);
  return (
    <>
      <div className="panel">
        {usable.length > 0 ? (
          <SelectField
            label="Credential"
            value={chosen ? credentialKey(chosen) : ''}
            options={usable.map((c) => ({
              value: credentialKey(c),
              label: `${c.applicationName} — ${c.keyType.toLowerCase()} ${c.kind === 'apikey' ? 'API key' : 'access token'}${c.kind === 'oauth' && c.scopes.length ? ` (${c.scopes.join(' ')})` : ''}`,
            }))}
            onChange={onChoose}
          />
        ) : (
          <p className="hint">No token of an application subscribed to this API in this tab yet.</p>
        )}
        {needed.length > 0 && (
          <p className="hint">
            This API&apos;s operations require the scopes {needed.map((s) => `‘${s}’`).join(', ')}: each
            operation below names its own.
          </p>
        )}
      </div>
      {takesTokens && (
        <TestTokenForm api={api} subscriptions={subscriptions} onToken={(c) => onChoose(credentialKey(c))} />
      )}
    </>
  );
}

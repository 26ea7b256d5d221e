/**
 * OAuth keys of one key type, one per key manager: the keys with their key manager, generating or
 * mapping one at a key manager that has none yet, regenerating a resident key's secret (shown once,
 * with a copy button: only its hash is kept), removing a key, and access tokens with scopes and a
 * validity from the key manager of the key.
 */
import { useState, type ReactNode } from 'react';
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { errorAt, type FieldErrors } from '../shared/schema';
import {
  CopyButton,
  ErrorBox,
  FormPanel,
  ListTable,
  Notice,
  QueryView,
  SelectField,
  TextField,
  useConfirm,
} from '../shared/ui';
import { GRANT_TYPE_LABELS, labelOf as labelOfValue } from '../shared/labels';
import { GenerateKeys, managerLabel, MapKeys } from './KeyForms';
import { useGenerateToken, validityErrors, ValidityField } from './token-generation';
import type { Complete, Devportal } from '@apim/rest-contract';

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

function TokenForm({
  app,
  appKey,
  secret,
  choose,
}: {
  app: Complete<Devportal.Application>;
  appKey: Devportal.ApplicationKey;
  secret: string;
  /** the choice of key, when the tab has several */
  choose?: ReactNode;
}) {
  // an external provider decides its tokens' lifetime; only the resident key manager takes one
  const resident = (appKey.keyManager ?? RESIDENT_KEY_MANAGER) === RESIDENT_KEY_MANAGER;
  const [consumerSecret, setConsumerSecret] = useState(secret);
  const [scopes, setScopes] = useState('');
  const [validity, setValidity] = useState('3600');
  const write = useGenerateToken(app, appKey);
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
            // the resident key manager issues the owner's token without the secret
            ...(shownSecret ? { consumerSecret: shownSecret } : {}),
            validityPeriod: resident ? Number(validity) : -1,
            scopes: scopes.split(/[\s,]+/).filter(Boolean),
          };
          const more: FieldErrors = resident ? validityErrors(body.validityPeriod) : {};
          if (!shownSecret && !resident)
            more.consumerSecret = 'is required: paste the secret you copied at this key manager';
          write.submit(body, more);
        }}
      >
        {choose}
        <p className="hint">
          A client-credentials token of this application from {appKey.keyManager ?? RESIDENT_KEY_MANAGER}, for
          calling the APIs it is subscribed to.
        </p>
        <TextField
          label="Consumer secret"
          type="password"
          hint={
            resident
              ? 'Optional: without it, the token is issued to you as the application’s owner'
              : undefined
          }
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
          {resident && <ValidityField value={validity} errors={write.errors} onChange={setValidity} />}
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

/** What the tab offers when the list of key managers cannot be read: the resident one. */
const RESIDENT_ONLY: Devportal.KeyManagerInfo = {
  name: RESIDENT_KEY_MANAGER,
  type: 'default',
  enabled: true,
  enableOAuthAppCreation: true,
  enableMapOAuthConsumerApps: true,
  enableTokenGeneration: true,
};

interface ShownSecret {
  keyMappingId: string;
  value: string;
}

function KeyTable({
  app,
  keyType,
  managers,
  onSecret,
}: {
  app: Complete<Devportal.Application>;
  keyType: string;
  managers: readonly Devportal.KeyManagerInfo[];
  onSecret: (s: ShownSecret) => void;
}) {
  const path = `/applications/${app.applicationId}/oauth-keys`;
  const keys = useRest<ListOf<Devportal.ApplicationKey>, ListOf<Devportal.ApplicationKey>>(
    'devportal',
    path,
    undefined,
    {
      select: (d) => {
        const list = d.list.filter((k) => k.keyType === keyType);
        return { ...d, count: list.length, list };
      },
    },
  );
  const stale = [['devportal', `/applications/${app.applicationId}`]] as const;
  const regenerate = useRestMutation(
    (k: Devportal.ApplicationKey) =>
      request<{ consumerKey: string; consumerSecret: string }>(
        'devportal',
        `${path}/${k.keyMappingId}/regenerate-secret`,
        { method: 'POST' },
      ),
    { stale: [], onSuccess: (r, k) => onSecret({ keyMappingId: k.keyMappingId, value: r.consumerSecret }) },
  );
  const remove = useRestMutation(
    (k: Devportal.ApplicationKey) =>
      request('devportal', `${path}/${k.keyMappingId}/clean-up`, { method: 'POST' }),
    { stale },
  );
  const confirm = useConfirm();
  const labelOf = (name = RESIDENT_KEY_MANAGER) => {
    const m = managers.find((x) => x.name === name);
    return m ? managerLabel(m) : name;
  };
  return (
    <>
      {confirm.dialog}
      <ErrorBox error={regenerate.error ?? remove.error} />
      {regenerate.isSuccess && <Notice>A new secret was issued; the old one no longer works.</Notice>}
      <ListTable
        query={keys}
        what="the keys"
        label={`${keyType.toLowerCase()} keys`}
        empty={`This application has no ${keyType.toLowerCase()} keys yet.`}
        rowKey={(k) => k.keyMappingId}
        columns={[
          { header: 'Key manager', cell: (k) => labelOf(k.keyManager) },
          {
            header: 'Consumer key',
            cell: (k) => (
              <span className="secret">
                <code aria-label="Consumer key">{k.consumerKey}</code>
                <CopyButton text={k.consumerKey} label="Copy the consumer key" />
              </span>
            ),
          },
          {
            header: 'Grant types',
            // an external client's grant types are known to its key manager only
            cell: (k) =>
              k.supportedGrantTypes
                ? k.supportedGrantTypes.map((g) => labelOfValue(GRANT_TYPE_LABELS, g)).join(', ')
                : '—',
          },
          { header: 'Mode', cell: (k) => (k.mode === 'MAPPED' ? 'Mapped' : 'Created') },
        ]}
        actions={(k) => {
          const resident = (k.keyManager ?? RESIDENT_KEY_MANAGER) === RESIDENT_KEY_MANAGER;
          return (
            <>
              {resident && k.mode !== 'MAPPED' && (
                <button
                  type="button"
                  className="secondary small"
                  disabled={regenerate.isPending}
                  onClick={() =>
                    confirm.ask(
                      {
                        title: 'Regenerate the consumer secret?',
                        effect: 'The current secret stops working at once: update every client that uses it.',
                        confirm: 'Regenerate secret',
                      },
                      () => regenerate.mutate(k),
                    )
                  }
                >
                  Regenerate secret
                </button>
              )}{' '}
              <button
                type="button"
                className="secondary small"
                aria-label={`Remove the key from ${labelOf(k.keyManager)}`}
                disabled={remove.isPending}
                onClick={() =>
                  confirm.ask(
                    {
                      title: `Remove the ${keyType.toLowerCase()} key from ${labelOf(k.keyManager)}?`,
                      effect:
                        'Its client stops getting tokens here and the tokens it has are no longer accepted by the gateways.',
                      confirm: 'Remove key',
                    },
                    () => remove.mutate(k),
                  )
                }
              >
                Remove
              </button>
            </>
          );
        }}
      />
    </>
  );
}

export function KeysTab({
  app,
  keyType,
}: {
  app: Complete<Devportal.Application>;
  keyType: 'PRODUCTION' | 'SANDBOX';
}) {
  const keys = useRest<ListOf<Devportal.ApplicationKey>>(
    'devportal',
    `/applications/${app.applicationId}/oauth-keys`,
  );
  const managerList = useRest<ListOf<Devportal.KeyManagerInfo>>('devportal', '/key-managers');
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [chosen, setChosen] = useState('');
  const managers = managerList.data?.list ?? [RESIDENT_ONLY];
  return (
    <QueryView query={keys} what="the keys">
      {(data) => {
        const mine = data.list.filter((k) => k.keyType === keyType);
        const used = new Set(mine.map((k) => k.keyManager ?? RESIDENT_KEY_MANAGER));
        const free = managers.filter((m) => !used.has(m.name));
        const creatable = free.filter((m) => m.enableOAuthAppCreation);
        const mappable = free.filter((m) => m.enableMapOAuthConsumerApps);
        // tokens for the key just given a secret, else the one chosen, else the first
        const tokenKey =
          mine.find((k) => k.keyMappingId === secret?.keyMappingId) ??
          mine.find((k) => k.keyMappingId === chosen) ??
          mine[0];
        const tokenManager = managers.find((m) => m.name === (tokenKey?.keyManager ?? RESIDENT_KEY_MANAGER));
        return (
          <>
            {mine.length > 0 && (
              <div className="panel">
                <KeyTable app={app} keyType={keyType} managers={managers} onSecret={setSecret} />
                {secret && mine.some((k) => k.keyMappingId === secret.keyMappingId) ? (
                  <SecretOnce label="Consumer secret" value={secret.value} />
                ) : (
                  <p className="hint">
                    Consumer secrets are not kept here. Regenerate a resident key&apos;s secret if it is lost.
                  </p>
                )}
              </div>
            )}
            {tokenKey &&
              (tokenManager?.enableTokenGeneration === false ? (
                <p className="hint">
                  Get tokens for the {managerLabel(tokenManager)} key from {managerLabel(tokenManager)}{' '}
                  itself.
                </p>
              ) : (
                <TokenForm
                  key={`${tokenKey.keyMappingId}:${secret?.value ?? ''}`}
                  app={app}
                  appKey={tokenKey}
                  secret={secret?.keyMappingId === tokenKey.keyMappingId ? secret.value : ''}
                  choose={
                    mine.length > 1 && (
                      <SelectField
                        label="Key"
                        value={tokenKey.keyMappingId}
                        options={mine.map((k) => ({
                          value: k.keyMappingId,
                          label: `${k.keyManager ?? RESIDENT_KEY_MANAGER}: ${k.consumerKey}`,
                        }))}
                        onChange={(id) => {
                          setChosen(id);
                          setSecret(null);
                        }}
                      />
                    )
                  }
                />
              ))}
            {mine.length === 0 && <p>This application has no {keyType.toLowerCase()} keys yet.</p>}
            {creatable.length > 0 && (
              <GenerateKeys
                app={app}
                keyType={keyType}
                managers={creatable}
                onSecret={(k) =>
                  k.consumerSecret && setSecret({ keyMappingId: k.keyMappingId, value: k.consumerSecret })
                }
              />
            )}
            {mappable.length > 0 && <MapKeys app={app} keyType={keyType} managers={mappable} />}
          </>
        );
      }}
    </QueryView>
  );
}

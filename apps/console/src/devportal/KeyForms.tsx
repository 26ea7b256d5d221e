/**
 * Getting OAuth keys of one key type: generate a client at a key manager (the resident one, or an
 * external one that offers dynamic client registration), or map a client that already exists there.
 */
import { useState } from 'react';
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import { request } from '../shared/api';
import { errorAt, useCheckedWrite } from '../shared/schema';
import { CheckboxGroup, FormPanel, SelectField, TextField } from '../shared/ui';
import type { Complete, Devportal } from '@apim/rest-contract';
import { GRANT_TYPE_LABELS, optionsOf } from '../shared/labels';
import { useNotify } from '../shared/notify';

const GRANT_TYPES = optionsOf(GRANT_TYPE_LABELS);

export const managerLabel = (m: Devportal.KeyManagerInfo) => m.displayName ?? m.name;

function managerOptions(managers: readonly Devportal.KeyManagerInfo[]) {
  return managers.map((m) => ({ value: m.name, label: managerLabel(m) }));
}

/** `managers`: the key managers that create clients and have no key of this type yet (not empty). */
export function GenerateKeys({
  app,
  keyType,
  managers,
  onSecret,
}: {
  app: Complete<Devportal.Application>;
  keyType: Devportal.ApplicationKey['keyType'];
  managers: readonly Devportal.KeyManagerInfo[];
  onSecret: (key: Devportal.ApplicationKey) => void;
}) {
  const [keyManager, setKeyManager] = useState(managers[0]!.name);
  const notify = useNotify();
  const [grants, setGrants] = useState(['client_credentials']);
  const [callback, setCallback] = useState('');
  const write = useCheckedWrite(
    'devportal',
    'applicationsApplicationIdGenerateKeysPost',
    (body: Devportal.ApplicationKeyGenerateRequest) =>
      request<Devportal.ApplicationKey>('devportal', `/applications/${app.applicationId}/generate-keys`, {
        json: body,
      }),
    {
      stale: [['devportal', `/applications/${app.applicationId}`]],
      onSuccess: (key) => {
        notify({
          message: `${keyType === 'SANDBOX' ? 'Sandbox' : 'Production'} keys generated. Copy the consumer secret now: it is shown once. Next: generate an access token below.`,
        });
        onSecret(key);
      },
    },
  );
  // a key manager that got its key meanwhile leaves the list: fall back to the first one left
  const chosen = managers.some((m) => m.name === keyManager) ? keyManager : managers[0]!.name;
  return (
    <FormPanel
      title="Generate keys"
      write={write}
      shown={['keyManager', 'grantTypesToBeSupported', 'callbackUrl']}
      submit="Generate keys"
      pending="Generating…"
      onSubmit={() =>
        write.submit({
          keyType,
          keyManager: chosen,
          // the checkboxes offer only GRANT_TYPES' values
          grantTypesToBeSupported:
            grants as Devportal.ApplicationKeyGenerateRequest['grantTypesToBeSupported'],
          ...(callback.trim() ? { callbackUrl: callback.trim() } : {}),
        })
      }
    >
      {managers.length > 1 ? (
        <SelectField
          label="Key manager"
          hint="Where the OAuth client is created; its tokens come from there"
          value={chosen}
          options={managerOptions(managers)}
          error={errorAt(write.errors, 'keyManager')}
          onChange={setKeyManager}
        />
      ) : (
        <p className="hint">The OAuth client is created at {managerLabel(managers[0]!)}.</p>
      )}
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

/**
 * WSO2's "map existing keys". The labels differ from the key panel's "Consumer key"/"Consumer
 * secret" so each names one thing on the page.
 */
export function MapKeys({
  app,
  keyType,
  managers,
}: {
  app: Complete<Devportal.Application>;
  keyType: Devportal.ApplicationKey['keyType'];
  managers: readonly Devportal.KeyManagerInfo[];
}) {
  const [keyManager, setKeyManager] = useState(managers[0]!.name);
  const [consumerKey, setConsumerKey] = useState('');
  const [consumerSecret, setConsumerSecret] = useState('');
  const write = useCheckedWrite(
    'devportal',
    'applicationsApplicationIdMapKeysPost',
    (body: Devportal.ApplicationKeyMappingRequest) =>
      request<Devportal.ApplicationKey>('devportal', `/applications/${app.applicationId}/map-keys`, {
        json: body,
      }),
    { stale: [['devportal', `/applications/${app.applicationId}`]] },
  );
  const chosen = managers.some((m) => m.name === keyManager) ? keyManager : managers[0]!.name;
  return (
    <details className="panel">
      <summary>Map existing keys</summary>
      <FormPanel
        write={write}
        shown={['keyManager', 'consumerKey', 'consumerSecret']}
        submit="Map keys"
        pending="Mapping…"
        onSubmit={() =>
          write.submit({
            keyType,
            keyManager: chosen,
            consumerKey: consumerKey.trim(),
            ...(consumerSecret ? { consumerSecret } : {}),
          })
        }
      >
        <p className="hint">
          Use an OAuth client that already exists at a key manager as this application&apos;s{' '}
          {keyType.toLowerCase()} key. The secret is checked there and not stored; a client of the{' '}
          {RESIDENT_KEY_MANAGER} needs it.
        </p>
        <SelectField
          label="Key manager of the client"
          value={chosen}
          options={managerOptions(managers)}
          error={errorAt(write.errors, 'keyManager')}
          onChange={setKeyManager}
        />
        <TextField
          label="Existing consumer key"
          value={consumerKey}
          error={errorAt(write.errors, 'consumerKey')}
          onChange={setConsumerKey}
        />
        <TextField
          label="Existing consumer secret"
          type="password"
          value={consumerSecret}
          error={errorAt(write.errors, 'consumerSecret')}
          onChange={setConsumerSecret}
        />
      </FormPanel>
    </details>
  );
}

/**
 * Changing an application after creating it (WSO2's PUT /applications/{id}): its name, rate limit
 * and description; and the grant types and callback URL of each OAuth client the resident key
 * manager holds for it (PUT .../oauth-keys/{keyMappingId}). Clients of other key managers, or
 * mapped ones, are changed where they live.
 */
import { useState } from 'react';
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import type { Complete, Devportal } from '@apim/rest-contract';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { errorAt, useCheckedWrite } from '../shared/schema';
import { CheckboxGroup, FormPanel, QueryView, TextField } from '../shared/ui';
import { GRANT_TYPE_LABELS, KEY_TYPE_LABELS, labelOf, optionsOf, type GrantType } from '../shared/labels';
import { useNotify } from '../shared/notify';
import { ApplicationFields, useApplicationTiers } from './ApplicationsPage';

export function EditApplication({ app }: { app: Complete<Devportal.Application> }) {
  const tiers = useApplicationTiers();
  const notify = useNotify();
  const [name, setName] = useState(app.name);
  const [tier, setTier] = useState(app.throttlingPolicy);
  const [description, setDescription] = useState(app.description ?? '');
  const path = `/applications/${app.applicationId}`;
  const save = useCheckedWrite(
    'devportal',
    'applicationsApplicationIdPut',
    (body: Devportal.Application) => request('devportal', path, { method: 'PUT', json: body }),
    {
      stale: [['devportal', '/applications']],
      labels: { name: 'Application name', throttlingPolicy: 'Rate limit' },
      onSuccess: () => notify({ message: `Application ${name.trim()} saved.` }),
    },
  );
  const tierNames = (tiers.data?.list ?? []).map((t) => t.name);
  return (
    <FormPanel
      title="Edit the application"
      write={save}
      shown={['name', 'throttlingPolicy', 'description']}
      submit="Save application"
      pending="Saving…"
      onSubmit={() =>
        // the token type and attributes are kept as they are: the PUT replaces the whole resource
        save.submit({
          name: name.trim(),
          throttlingPolicy: tier,
          description: description.trim(),
          tokenType: app.tokenType,
          attributes: app.attributes,
        })
      }
    >
      <ApplicationFields
        name={name}
        setName={setName}
        tier={tier}
        setTier={setTier}
        tierOptions={tierNames.includes(tier) ? tierNames : [tier, ...tierNames]}
        description={description}
        setDescription={setDescription}
        errors={save.errors}
      />
    </FormPanel>
  );
}

function OAuthClientForm({
  app,
  appKey,
}: {
  app: Complete<Devportal.Application>;
  appKey: Devportal.ApplicationKey;
}) {
  const notify = useNotify();
  const [grants, setGrants] = useState<string[]>(appKey.supportedGrantTypes ?? []);
  const [callback, setCallback] = useState(appKey.callbackUrl ?? '');
  const path = `/applications/${app.applicationId}/oauth-keys/${appKey.keyMappingId}`;
  const type = labelOf(KEY_TYPE_LABELS, appKey.keyType);
  const save = useCheckedWrite(
    'devportal',
    'applicationsApplicationIdOauthKeysKeyMappingIdPut',
    (body: Devportal.ApplicationKeyUpdate) => request('devportal', path, { method: 'PUT', json: body }),
    {
      stale: [['devportal', `/applications/${app.applicationId}/oauth-keys`]],
      labels: { supportedGrantTypes: 'Grant types', callbackUrl: 'Callback URL' },
      onSuccess: () => notify({ message: `${type} OAuth client saved.` }),
    },
  );
  const needsCallback = grants.includes('authorization_code');
  return (
    <FormPanel
      title={`${type} OAuth client`}
      write={save}
      shown={['supportedGrantTypes', 'callbackUrl']}
      submit={`Save ${type.toLowerCase()} client`}
      pending="Saving…"
      onSubmit={() =>
        save.submit(
          {
            supportedGrantTypes: grants as Devportal.ApplicationKeyUpdate['supportedGrantTypes'],
            callbackUrl: callback.trim() || null,
          },
          needsCallback && !callback.trim()
            ? { callbackUrl: 'The authorization code grant needs a callback URL' }
            : {},
        )
      }
    >
      <p className="muted">
        Consumer key <code>{appKey.consumerKey}</code>
      </p>
      <CheckboxGroup
        label="Grant types"
        options={optionsOf(GRANT_TYPE_LABELS)}
        values={grants as GrantType[]}
        error={errorAt(save.errors, 'supportedGrantTypes')}
        onChange={setGrants}
      />
      <TextField
        label="Callback URL"
        type="url"
        placeholder="https://"
        hint="Where the key manager sends users back after they sign in (authorization code grant)"
        value={callback}
        error={save.errors?.callbackUrl}
        onChange={setCallback}
      />
    </FormPanel>
  );
}

/** A form per OAuth client the console can change; nothing when the application has none yet. */
export function EditOAuthClients({ app }: { app: Complete<Devportal.Application> }) {
  const keys = useRest<ListOf<Devportal.ApplicationKey>>(
    'devportal',
    `/applications/${app.applicationId}/oauth-keys`,
  );
  return (
    <QueryView query={keys} what="the OAuth clients">
      {(data) =>
        data.list
          .filter((k) => k.keyManager === RESIDENT_KEY_MANAGER && k.mode === 'CREATED')
          .map((k) => <OAuthClientForm key={k.keyMappingId} app={app} appKey={k} />)
      }
    </QueryView>
  );
}

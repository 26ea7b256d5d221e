/** The API's plain settings: overview, endpoints, security and CORS, tiers, runtime. */
import { useState } from 'react';
import type { EndpointUrl } from '@apim/contracts';
import type { ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { errorAt } from '../shared/schema';
import { Checkbox, CheckboxGroup, SelectField, splitList, TextArea, TextField } from '../shared/ui';
import { SubscriptionTiersField } from './basics';
import { ClientCertificatesPanel } from './ClientCertificatesPanel';
import { ManagedBy } from './ManagedBy';
import { nextKeyManagers } from './key-managers';
import { SaveForm, useApiSave } from './save';
import {
  ALL_KEY_MANAGERS,
  API_DEFAULTS,
  type Admin,
  type Complete,
  type Publisher,
} from '@apim/rest-contract';
import { optionsOf, SECURITY_SCHEME_LABELS } from '../shared/labels';

export function OverviewTab({ api }: { api: Complete<Publisher.API> }) {
  const save = useApiSave(api);
  const [description, setDescription] = useState(api.description ?? '');
  const [tags, setTags] = useState(api.tags.join(', '));
  const [visibility, setVisibility] = useState(api.visibility);
  const [roles, setRoles] = useState(api.visibleRoles.join(', '));
  const [isDefault, setDefault] = useState(api.isDefaultVersion);
  const [owner, setOwner] = useState(api.businessInformation?.businessOwner ?? '');
  const [ownerEmail, setOwnerEmail] = useState(api.businessInformation?.businessOwnerEmail ?? '');
  const e = save.errors;
  return (
    <SaveForm
      save={save}
      shown={['description', 'tags', 'visibility', 'visibleRoles', 'businessInformation']}
      onSubmit={() => {
        save.save({
          description: description.trim() || null,
          tags: splitList(tags),
          visibility,
          visibleRoles: visibility === 'RESTRICTED' ? splitList(roles) : [],
          isDefaultVersion: isDefault,
          businessInformation: {
            ...(api.businessInformation ?? {}),
            businessOwner: owner.trim(),
            businessOwnerEmail: ownerEmail.trim(),
          },
        });
      }}
    >
      <dl className="kv">
        <dt>Name</dt>
        <dd>{api.name}</dd>
        <dt>Version</dt>
        <dd>{api.version}</dd>
        <dt>Context</dt>
        <dd>
          <code>{api.context}</code>
        </dd>
        <dt>Provider</dt>
        <dd>{api.provider}</dd>
        {api.managedBy && (
          <>
            <dt>Managed by</dt>
            <dd>
              <ManagedBy managedBy={api.managedBy} />
            </dd>
          </>
        )}
        <dt>Operations</dt>
        <dd>{api.operations.length}</dd>
      </dl>
      <TextArea
        label="Description"
        value={description}
        error={errorAt(e, 'description')}
        onChange={setDescription}
      />
      <TextField
        label="Tags"
        hint="Separated by commas"
        value={tags}
        error={errorAt(e, 'tags')}
        onChange={setTags}
      />
      <SelectField
        label="Visibility on the developer portal"
        value={visibility}
        options={[
          { value: 'PUBLIC', label: 'Public: everyone' },
          { value: 'RESTRICTED', label: 'Restricted by roles' },
          { value: 'PRIVATE', label: 'Private: publishers only' },
        ]}
        error={errorAt(e, 'visibility')}
        onChange={(v) => setVisibility(v as Complete<Publisher.API>['visibility'])}
      />
      {visibility === 'RESTRICTED' && (
        <TextField
          label="Visible to roles"
          hint="Separated by commas"
          value={roles}
          error={errorAt(e, 'visibleRoles')}
          onChange={setRoles}
        />
      )}
      <Checkbox
        label="Default version (also served at the context without a version)"
        checked={isDefault}
        onChange={setDefault}
      />
      <div className="row">
        <TextField label="Business owner" value={owner} onChange={setOwner} />
        <TextField label="Business owner e-mail" type="email" value={ownerEmail} onChange={setOwnerEmail} />
      </div>
    </SaveForm>
  );
}

const urlsOf = (v: EndpointUrl | EndpointUrl[] | undefined) =>
  v ? (Array.isArray(v) ? v : [v]).map((u) => u.url) : [];

export function EndpointsTab({ api }: { api: Complete<Publisher.API> }) {
  const save = useApiSave(api);
  const cfg: Publisher.EndpointConfig = api.endpointConfig ?? API_DEFAULTS.endpointConfig;
  const [type, setType] = useState<Publisher.EndpointConfig['endpoint_type']>(cfg.endpoint_type);
  const [production, setProduction] = useState(urlsOf(cfg.production_endpoints).join('\n'));
  const [sandbox, setSandbox] = useState(urlsOf(cfg.sandbox_endpoints).join('\n'));
  const [timeout, setTimeoutMs] = useState(cfg.endpointTimeoutMs ? String(cfg.endpointTimeoutMs) : '');
  const [suspend, setSuspend] = useState(cfg.suspendAfterFailures ? String(cfg.suspendAfterFailures) : '');
  const e = save.errors;
  const many = type !== 'http';
  const asUrls = (text: string): EndpointUrl | EndpointUrl[] | undefined => {
    const urls = splitList(text).map((url) => ({ url }));
    if (!urls.length) return undefined;
    return many ? urls : urls[0];
  };
  return (
    <SaveForm
      save={save}
      shown={['endpointConfig']}
      onSubmit={() => {
        const next: Publisher.EndpointConfig = { ...cfg, endpoint_type: type };
        next.production_endpoints = asUrls(production);
        next.sandbox_endpoints = asUrls(sandbox);
        if (timeout.trim()) next.endpointTimeoutMs = Number(timeout);
        else delete next.endpointTimeoutMs;
        if (suspend.trim()) next.suspendAfterFailures = Number(suspend);
        else delete next.suspendAfterFailures;
        for (const k of ['production_endpoints', 'sandbox_endpoints'] as const) if (!next[k]) delete next[k];
        save.save({ endpointConfig: next });
      }}
    >
      <SelectField
        label="Endpoint type"
        value={type}
        options={[
          { value: 'http', label: 'HTTP/REST endpoint' },
          { value: 'load_balance', label: 'Load balanced group' },
          { value: 'failover', label: 'Failover group' },
        ]}
        onChange={(v) => setType(v as Publisher.EndpointConfig['endpoint_type'])}
      />
      <TextArea
        label={many ? 'Production endpoints (one per line)' : 'Production endpoint'}
        rows={many ? 3 : 1}
        value={production}
        error={errorAt(e, 'endpointConfig.production_endpoints')}
        onChange={setProduction}
      />
      <TextArea
        label={many ? 'Sandbox endpoints (one per line)' : 'Sandbox endpoint'}
        rows={many ? 3 : 1}
        value={sandbox}
        error={errorAt(e, 'endpointConfig.sandbox_endpoints')}
        onChange={setSandbox}
      />
      <div className="row">
        <TextField
          label="Timeout (ms)"
          type="number"
          value={timeout}
          error={errorAt(e, 'endpointConfig.endpointTimeoutMs')}
          onChange={setTimeoutMs}
        />
        <TextField
          label="Suspend after failures"
          type="number"
          value={suspend}
          error={errorAt(e, 'endpointConfig.suspendAfterFailures')}
          onChange={setSuspend}
        />
      </div>
    </SaveForm>
  );
}

const SECURITY_SCHEMES = optionsOf(SECURITY_SCHEME_LABELS);

/**
 * Whose tokens the API accepts: "All key managers" (the default) or some of them by name. Checking
 * "All" unchecks the names and checking a name unchecks "All"; a name the list no longer has (a key
 * manager deleted since) stays shown so that it can be unchecked.
 */
function KeyManagersField(props: { values: string[]; onChange: (v: string[]) => void; error?: string }) {
  const known = useRest<ListOf<Publisher.KeyManagerInfo>>('publisher', '/key-managers');
  const list = known.data?.list ?? [];
  const options = [
    { value: ALL_KEY_MANAGERS, label: 'All key managers' },
    ...list.map((k) => ({ value: k.name, label: k.enabled ? k.displayName : `${k.displayName} (disabled)` })),
    ...props.values
      .filter((v) => v !== ALL_KEY_MANAGERS && !list.some((k) => k.name === v))
      .map((v) => ({ value: v, label: known.isSuccess ? `${v} (no longer registered)` : v })),
  ];
  return (
    <>
      <CheckboxGroup
        label="Key managers"
        options={options}
        values={props.values}
        error={props.error}
        onChange={(next) => props.onChange(nextKeyManagers(props.values, next))}
      />
      <p className="hint">Whose OAuth2 access tokens the gateways accept for this API.</p>
    </>
  );
}

export function SecurityTab({ api }: { api: Complete<Publisher.API> }) {
  const save = useApiSave(api);
  const cors = api.corsConfiguration;
  const [schemes, setSchemes] = useState<string[]>(api.securityScheme);
  const [keyManagers, setKeyManagers] = useState(api.keyManagers);
  const [authHeader, setAuthHeader] = useState(api.authorizationHeader ?? '');
  const [keyHeader, setKeyHeader] = useState(api.apiKeyHeader ?? '');
  const [corsOn, setCorsOn] = useState(cors?.corsConfigurationEnabled ?? false);
  const [origins, setOrigins] = useState((cors?.accessControlAllowOrigins ?? ['*']).join(', '));
  const [headers, setHeaders] = useState(
    (
      cors?.accessControlAllowHeaders ?? [
        'authorization',
        'Access-Control-Allow-Origin',
        'Content-Type',
        'SOAPAction',
        'apikey',
      ]
    ).join(', '),
  );
  const [methods, setMethods] = useState(
    cors?.accessControlAllowMethods ?? ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
  );
  const [credentials, setCredentials] = useState(cors?.accessControlAllowCredentials ?? false);
  const e = save.errors;
  return (
    <>
      <SaveForm
        save={save}
        shown={[
          'securityScheme',
          // hidden without OAuth2: its errors are then listed under the form
          ...(schemes.includes('oauth2') ? ['keyManagers'] : []),
          'authorizationHeader',
          'apiKeyHeader',
          'corsConfiguration',
        ]}
        onSubmit={() => {
          save.save(
            {
              // the checkboxes offer only SECURITY_SCHEMES' values
              securityScheme: schemes as Complete<Publisher.API>['securityScheme'],
              keyManagers,
              authorizationHeader: authHeader.trim() || null,
              apiKeyHeader: keyHeader.trim() || null,
              corsConfiguration: {
                corsConfigurationEnabled: corsOn,
                accessControlAllowOrigins: splitList(origins),
                accessControlAllowHeaders: splitList(headers),
                accessControlAllowMethods: methods,
                accessControlAllowCredentials: credentials,
              },
            },
            keyManagers.length ? {} : { keyManagers: 'Choose All key managers, or at least one' },
          );
        }}
      >
        <h2>Application security</h2>
        <CheckboxGroup
          label="Security schemes"
          options={SECURITY_SCHEMES}
          values={schemes}
          error={errorAt(e, 'securityScheme')}
          onChange={setSchemes}
        />
        {schemes.includes('oauth2') && (
          <KeyManagersField
            values={keyManagers}
            error={errorAt(e, 'keyManagers')}
            onChange={setKeyManagers}
          />
        )}
        <div className="row">
          <TextField
            label="Authorization header"
            placeholder={API_DEFAULTS.authorizationHeader}
            value={authHeader}
            error={errorAt(e, 'authorizationHeader')}
            onChange={setAuthHeader}
          />
          <TextField
            label="API key header"
            placeholder={API_DEFAULTS.apiKeyHeader}
            value={keyHeader}
            error={errorAt(e, 'apiKeyHeader')}
            onChange={setKeyHeader}
          />
        </div>
        <h2>CORS</h2>
        <Checkbox label="Enable CORS" checked={corsOn} onChange={setCorsOn} />
        {corsOn && (
          <>
            <TextField
              label="Allowed origins"
              hint="Separated by commas; * for any"
              value={origins}
              onChange={setOrigins}
            />
            <TextField
              label="Allowed headers"
              hint="Separated by commas"
              value={headers}
              onChange={setHeaders}
            />
            <CheckboxGroup
              label="Allowed methods"
              options={['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']}
              values={methods}
              onChange={setMethods}
            />
            <Checkbox label="Allow credentials" checked={credentials} onChange={setCredentials} />
          </>
        )}
      </SaveForm>
      {schemes.some((s) => s === 'mutualssl' || s === 'mutualssl_mandatory') && (
        <ClientCertificatesPanel api={api} />
      )}
    </>
  );
}

export function useAdvancedTiers() {
  return useRest<ListOf<Admin.ThrottlePolicy>>('admin', '/throttling/policies/advanced');
}

export function TiersTab({ api }: { api: Complete<Publisher.API> }) {
  const save = useApiSave(api);
  const advanced = useAdvancedTiers();
  const [policies, setPolicies] = useState(api.policies);
  const [apiPolicy, setApiPolicy] = useState(api.apiThrottlingPolicy ?? '');
  const [prodTps, setProdTps] = useState(api.maxTps?.production ? String(api.maxTps.production) : '');
  const [sandTps, setSandTps] = useState(api.maxTps?.sandbox ? String(api.maxTps.sandbox) : '');
  const e = save.errors;
  return (
    <SaveForm
      save={save}
      shown={['policies', 'apiThrottlingPolicy', 'maxTps']}
      onSubmit={() => {
        const maxTps = {
          ...(prodTps.trim() ? { production: Number(prodTps) } : {}),
          ...(sandTps.trim() ? { sandbox: Number(sandTps) } : {}),
        };
        save.save({
          policies,
          apiThrottlingPolicy: apiPolicy || null,
          maxTps: Object.keys(maxTps).length ? maxTps : null,
        });
      }}
    >
      <SubscriptionTiersField
        label="Subscription tiers applications may choose"
        values={policies}
        error={errorAt(e, 'policies')}
        onChange={setPolicies}
      />
      <SelectField
        label="API-level rate limit (overrides the per-resource limits)"
        value={apiPolicy}
        options={[
          { value: '', label: 'None: per resource' },
          ...(advanced.data?.list ?? []).map((t) => t.policyName),
        ]}
        error={errorAt(e, 'apiThrottlingPolicy') ?? (advanced.isError ? advanced.error.message : undefined)}
        onChange={setApiPolicy}
      />
      <div className="row">
        <TextField
          label="Backend max TPS (production)"
          type="number"
          value={prodTps}
          error={errorAt(e, 'maxTps.production', 'maxTps')}
          onChange={setProdTps}
        />
        <TextField
          label="Backend max TPS (sandbox)"
          type="number"
          value={sandTps}
          error={errorAt(e, 'maxTps.sandbox')}
          onChange={setSandTps}
        />
      </div>
    </SaveForm>
  );
}

/** What the gateway does with the messages (WSO2's runtime configuration). */
export function RuntimeTab({ api }: { api: Complete<Publisher.API> }) {
  const save = useApiSave(api);
  const [validation, setValidation] = useState(api.enableSchemaValidation);
  const [caching, setCaching] = useState(api.responseCachingEnabled);
  const [timeout, setTimeoutSeconds] = useState(String(api.cacheTimeout));
  return (
    <SaveForm
      save={save}
      shown={['enableSchemaValidation', 'responseCachingEnabled', 'cacheTimeout']}
      onSubmit={() =>
        save.save({
          enableSchemaValidation: validation,
          responseCachingEnabled: caching,
          cacheTimeout: Number(timeout),
        })
      }
    >
      <Checkbox
        label="Validate requests against the API definition (400 with the failing field)"
        checked={validation}
        onChange={setValidation}
      />
      <Checkbox label="Response caching" checked={caching} onChange={setCaching} />
      {caching && (
        <TextField
          label="Cache timeout (seconds)"
          type="number"
          hint="Each caller's successful GET answers are served from the gateway this long"
          value={timeout}
          error={errorAt(save.errors, 'cacheTimeout')}
          onChange={setTimeoutSeconds}
        />
      )}
    </SaveForm>
  );
}

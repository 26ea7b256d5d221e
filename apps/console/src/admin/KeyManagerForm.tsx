/**
 * Adding or changing a key manager (WSO2's admin "Key Managers" form): its type and claims, the
 * provider's endpoints (given, or read from its discovery document), the audience its tokens must
 * carry, the client gateways introspect with, dynamic client registration, claim mappings. Secrets
 * are write-only: an edit that leaves them blank keeps the stored ones.
 */
import { useState } from 'react';
import { KEY_MANAGER_PRESETS, type KeyManagerType } from '@apim/contracts';
import type { Admin } from '@apim/rest-contract';
import { request } from '../shared/api';
import { errorAt, useCheckedWrite, type FieldErrors } from '../shared/schema';
import { Checkbox, FormPanel, SelectField, TextField } from '../shared/ui';
import { ALGORITHMS, DEFAULT_ALGORITHMS, TYPE_OPTIONS, typeLabel } from './key-manager-types';

type ClaimMapping = NonNullable<Admin.KeyManager['claimMapping']>[number];

export const KEY_MANAGERS_STALE = [['admin', '/key-managers']] as const;

interface Draft {
  name: string;
  displayName: string;
  type: KeyManagerType;
  description: string;
  wellKnown: string;
  issuer: string;
  jwks: string;
  audience: string;
  algorithms: string[];
  consumerKeyClaim: string;
  scopesClaim: string;
  mappings: ClaimMapping[];
  introspectionEndpoint: string;
  introspectionClientId: string;
  introspectionClientSecret: string;
  tokenEndpoint: string;
  registrationEndpoint: string;
  registrationToken: string;
  enabled: boolean;
}

function draftOf(km: Admin.KeyManager | undefined): Draft {
  const type = km?.type ?? 'custom';
  return {
    name: km?.name ?? '',
    displayName: km?.displayName ?? '',
    type,
    description: km?.description ?? '',
    wellKnown: km?.wellKnownEndpoint ?? '',
    issuer: km?.issuer ?? '',
    jwks: km?.certificates?.value ?? '',
    audience: km?.audience ?? '',
    algorithms: km?.algorithms ?? DEFAULT_ALGORITHMS,
    consumerKeyClaim: km?.consumerKeyClaim ?? KEY_MANAGER_PRESETS[type].consumerKeyClaim,
    scopesClaim: km?.scopesClaim ?? KEY_MANAGER_PRESETS[type].scopesClaim,
    mappings: km?.claimMapping ?? [],
    introspectionEndpoint: km?.introspectionEndpoint ?? '',
    introspectionClientId: km?.introspectionClientId ?? '',
    introspectionClientSecret: '',
    tokenEndpoint: km?.tokenEndpoint ?? '',
    registrationEndpoint: km?.clientRegistrationEndpoint ?? '',
    registrationToken: '',
    enabled: km?.enabled ?? true,
  };
}

/**
 * The request body. Endpoints left blank are left out, so the discovery document (when given)
 * fills them; blank secrets are left out, so the stored ones are kept.
 */
function bodyOf(d: Draft): Record<string, unknown> {
  const t = (s: string) => s.trim();
  const body: Record<string, unknown> = {
    name: t(d.name),
    displayName: t(d.displayName) || t(d.name),
    type: d.type,
    description: t(d.description),
    algorithms: d.algorithms,
    claimMapping: d.mappings.map((m) => ({ remoteClaim: t(m.remoteClaim), localClaim: t(m.localClaim) })),
    introspectionClientId: t(d.introspectionClientId) || null,
    enabled: d.enabled,
  };
  const optional: [string, string, (v: string) => unknown][] = [
    ['audience', d.audience, (v) => v],
    ['consumerKeyClaim', d.consumerKeyClaim, (v) => v],
    ['scopesClaim', d.scopesClaim, (v) => v],
    ['wellKnownEndpoint', d.wellKnown, (v) => v],
    ['issuer', d.issuer, (v) => v],
    ['certificates', d.jwks, (v) => ({ type: 'JWKS', value: v })],
    ['introspectionEndpoint', d.introspectionEndpoint, (v) => v],
    ['tokenEndpoint', d.tokenEndpoint, (v) => v],
    ['clientRegistrationEndpoint', d.registrationEndpoint, (v) => v],
    ['introspectionClientSecret', d.introspectionClientSecret, (v) => v],
    ['registrationToken', d.registrationToken, (v) => v],
  ];
  for (const [field, value, shape] of optional) if (t(value)) body[field] = shape(t(value));
  return body;
}

/** What the form knows is missing before the server is asked (the schema finds the rest). */
function formErrors(d: Draft, existing: Admin.KeyManager | undefined): FieldErrors {
  const out: FieldErrors = {};
  const blank = (s: string) => !s.trim();
  if (blank(d.wellKnown)) {
    if (blank(d.issuer)) out.issuer = 'is required without a discovery URL';
    if (blank(d.jwks)) out.certificates = 'is required without a discovery URL';
  }
  if (!blank(d.introspectionEndpoint)) {
    if (blank(d.introspectionClientId))
      out.introspectionClientId = 'is required: the gateways authenticate to the introspection endpoint';
    if (blank(d.introspectionClientSecret) && !existing?.introspectionClientId)
      out.introspectionClientSecret = 'is required with the client ID';
  }
  d.mappings.forEach((m, i) => {
    if (blank(m.remoteClaim)) out[`claimMapping.${i}.remoteClaim`] = 'is required (or remove the row)';
    if (blank(m.localClaim)) out[`claimMapping.${i}.localClaim`] = 'is required (or remove the row)';
  });
  return out;
}

const SHOWN = [
  'name',
  'displayName',
  'type',
  'description',
  'wellKnownEndpoint',
  'issuer',
  'certificates',
  'audience',
  'algorithms',
  'consumerKeyClaim',
  'scopesClaim',
  'claimMapping',
  'introspectionEndpoint',
  'introspectionClientId',
  'introspectionClientSecret',
  'tokenEndpoint',
  'clientRegistrationEndpoint',
  'registrationToken',
  'enabled',
];

function ClaimMappings(props: {
  rows: ClaimMapping[];
  onChange: (rows: ClaimMapping[]) => void;
  errors: FieldErrors | null;
}) {
  const set = (i: number, row: ClaimMapping) => props.onChange(props.rows.map((r, j) => (j === i ? row : r)));
  return (
    <fieldset className="checkbox-group">
      <legend>Claim mappings</legend>
      <p className="hint">
        Claims of the provider&apos;s tokens passed on to backends in the gateway&apos;s JWT, under a local
        claim name.
      </p>
      {props.rows.map((row, i) => (
        <div className="row" key={i}>
          <TextField
            label={`Remote claim ${i + 1}`}
            value={row.remoteClaim}
            placeholder="email"
            error={props.errors?.[`claimMapping.${i}.remoteClaim`]}
            onChange={(v) => set(i, { ...row, remoteClaim: v })}
          />
          <TextField
            label={`Local claim ${i + 1}`}
            value={row.localClaim}
            placeholder="http://wso2.org/claims/emailaddress"
            error={props.errors?.[`claimMapping.${i}.localClaim`]}
            onChange={(v) => set(i, { ...row, localClaim: v })}
          />
          <div className="field fit">
            <button
              type="button"
              className="secondary small"
              aria-label={`Remove claim mapping ${i + 1}`}
              onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        </div>
      ))}
      <button
        type="button"
        className="secondary small"
        onClick={() => props.onChange([...props.rows, { remoteClaim: '', localClaim: '' }])}
      >
        Add claim mapping
      </button>
    </fieldset>
  );
}

/** The add form (no `existing`) or the edit form of one key manager. */
export function KeyManagerForm(props: {
  existing?: Admin.KeyManager;
  onDone: (saved: Admin.KeyManager) => void;
  onCancel: () => void;
}) {
  const { existing } = props;
  const [d, setDraft] = useState(() => draftOf(existing));
  const set =
    <K extends keyof Draft>(field: K) =>
    (value: Draft[K]) =>
      setDraft((p) => ({ ...p, [field]: value }));
  const write = useCheckedWrite(
    'admin',
    existing ? 'updateKeyManager' : 'addNewKeyManager',
    (body: Record<string, unknown>) =>
      existing
        ? request<Admin.KeyManager>('admin', `/key-managers/${existing.id}`, { method: 'PUT', json: body })
        : request<Admin.KeyManager>('admin', '/key-managers', { json: body }),
    { stale: KEY_MANAGERS_STALE, onSuccess: (saved) => props.onDone(saved) },
  );
  const errors = write.errors;
  const preset = KEY_MANAGER_PRESETS[d.type];
  const presetHint = (claim: string) => `Default for ${typeLabel(d.type)}: ${claim}`;
  const changeType = (type: KeyManagerType) =>
    setDraft((p) => {
      // claims still at the old type's preset follow the new type; ones typed by hand stay
      const old = KEY_MANAGER_PRESETS[p.type];
      const next = KEY_MANAGER_PRESETS[type];
      return {
        ...p,
        type,
        consumerKeyClaim:
          p.consumerKeyClaim.trim() === old.consumerKeyClaim || !p.consumerKeyClaim.trim()
            ? next.consumerKeyClaim
            : p.consumerKeyClaim,
        scopesClaim:
          p.scopesClaim.trim() === old.scopesClaim || !p.scopesClaim.trim()
            ? next.scopesClaim
            : p.scopesClaim,
      };
    });
  const secretStored = Boolean(existing?.introspectionClientId);
  return (
    <FormPanel
      title={existing ? `Edit ${existing.displayName ?? existing.name}` : 'Add a key manager'}
      write={write}
      shown={SHOWN}
      submit={existing ? 'Save key manager' : 'Add key manager'}
      pending={existing ? 'Saving…' : 'Adding…'}
      onSubmit={() => write.submit(bodyOf(d), formErrors(d, existing))}
      secondary={
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      }
    >
      <h3>General</h3>
      <div className="row top">
        <TextField
          label="Name"
          required={!existing}
          readOnly={Boolean(existing)}
          value={d.name}
          hint={
            existing
              ? 'A name cannot change: application keys refer to it.'
              : 'Letters, digits, dots, dashes and underscores. It cannot change later.'
          }
          error={errors?.name}
          onChange={set('name')}
        />
        <TextField
          label="Display name"
          value={d.displayName}
          hint="Shown to developers; the name when blank."
          error={errors?.displayName}
          onChange={set('displayName')}
        />
        <SelectField
          label="Type"
          value={d.type}
          options={TYPE_OPTIONS}
          hint="Sets the default claims below."
          error={errors?.type}
          onChange={(v) => changeType(v as KeyManagerType)}
        />
      </div>
      <TextField
        label="Description"
        value={d.description}
        error={errors?.description}
        onChange={set('description')}
      />

      <h3>Provider</h3>
      <TextField
        label="Discovery URL (well-known)"
        type="url"
        value={d.wellKnown}
        placeholder="https://idp.example.com/.well-known/openid-configuration"
        hint="Its OpenID discovery document fills the issuer, the JWKS URL and the introspection, token and registration endpoints left blank on this form."
        error={errors?.wellKnownEndpoint}
        onChange={set('wellKnown')}
      />
      <div className="row">
        <TextField
          label="Issuer"
          type="url"
          value={d.issuer}
          placeholder="https://idp.example.com"
          error={errors?.issuer}
          onChange={set('issuer')}
        />
        <TextField
          label="JWKS URL"
          type="url"
          value={d.jwks}
          placeholder="https://idp.example.com/jwks"
          error={errorAt(errors, 'certificates')}
          onChange={set('jwks')}
        />
      </div>
      <TextField
        label="Audience"
        required
        value={d.audience}
        placeholder="apim-gateway"
        hint="The audience (aud) the provider's access tokens carry for these gateways. Tokens without it are refused: otherwise a token the provider issued for any other service would be accepted too."
        error={errors?.audience}
        onChange={set('audience')}
      />
      <fieldset className="checkbox-group inline">
        <legend>Signature algorithms accepted</legend>
        {ALGORITHMS.map((a) => (
          <Checkbox
            key={a}
            label={a}
            checked={d.algorithms.includes(a)}
            onChange={(on) =>
              set('algorithms')(on ? [...d.algorithms, a] : d.algorithms.filter((x) => x !== a))
            }
          />
        ))}
        {errorAt(errors, 'algorithms') && (
          <small className="field-error" role="alert">
            {errorAt(errors, 'algorithms')}
          </small>
        )}
      </fieldset>

      <h3>Claims</h3>
      <div className="row top">
        <TextField
          label="Consumer key claim"
          value={d.consumerKeyClaim}
          placeholder={preset.consumerKeyClaim}
          hint={`The claim naming the client. ${presetHint(preset.consumerKeyClaim)}`}
          error={errors?.consumerKeyClaim}
          onChange={set('consumerKeyClaim')}
        />
        <TextField
          label="Scopes claim"
          value={d.scopesClaim}
          placeholder={preset.scopesClaim}
          hint={`The claim holding the scopes. ${presetHint(preset.scopesClaim)}`}
          error={errors?.scopesClaim}
          onChange={set('scopesClaim')}
        />
      </div>
      <ClaimMappings rows={d.mappings} onChange={set('mappings')} errors={errors} />

      <h3>Token introspection</h3>
      <p className="hint">
        For opaque (non-JWT) access tokens: the gateways ask the provider about them as this client.
      </p>
      <TextField
        label="Introspection endpoint"
        type="url"
        value={d.introspectionEndpoint}
        error={errors?.introspectionEndpoint}
        onChange={set('introspectionEndpoint')}
      />
      <div className="row top">
        <TextField
          label="Introspection client ID"
          value={d.introspectionClientId}
          error={errors?.introspectionClientId}
          onChange={set('introspectionClientId')}
        />
        <TextField
          label="Introspection client secret"
          type="password"
          autoComplete="new-password"
          value={d.introspectionClientSecret}
          hint={secretStored ? 'A secret is stored: leave blank to keep the stored secret.' : undefined}
          error={errors?.introspectionClientSecret}
          onChange={set('introspectionClientSecret')}
        />
      </div>

      <h3>Application keys</h3>
      <p className="hint">
        Where developers get tokens, and where their applications are registered (dynamic client registration,
        RFC 7591).
      </p>
      <div className="row">
        <TextField
          label="Token endpoint"
          type="url"
          value={d.tokenEndpoint}
          error={errors?.tokenEndpoint}
          onChange={set('tokenEndpoint')}
        />
        <TextField
          label="Client registration endpoint"
          type="url"
          value={d.registrationEndpoint}
          error={errors?.clientRegistrationEndpoint}
          onChange={set('registrationEndpoint')}
        />
      </div>
      <TextField
        label="Registration token (initial access token)"
        type="password"
        autoComplete="new-password"
        value={d.registrationToken}
        hint={
          existing?.registrationTokenSet
            ? 'A token is stored: leave blank to keep the stored token.'
            : 'Sent as the bearer token of registrations, when the provider asks for one.'
        }
        error={errors?.registrationToken}
        onChange={set('registrationToken')}
      />

      <Checkbox
        label="Enabled: the gateways accept its tokens"
        checked={d.enabled}
        onChange={set('enabled')}
      />
    </FormPanel>
  );
}

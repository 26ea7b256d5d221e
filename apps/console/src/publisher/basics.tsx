/**
 * The form of a new API (name, context, version, backend, tiers), shared by "Create API" and
 * "Import OpenAPI": the same checks against the createAPI schema and for duplicates.
 */
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import { errorAt, type FieldErrors } from '../shared/schema';
import { CheckboxGroup, FormPanel, TextArea, TextField } from '../shared/ui';
import { API_DEFAULTS, type Admin, type Complete, type Publisher } from '@apim/rest-contract';
import { useNotify } from '../shared/notify';

export interface ApiBasics {
  name: string;
  context: string;
  version: string;
  endpoint: string;
  policies: string[];
  description: string;
}

export const EMPTY_BASICS: ApiBasics = {
  name: '',
  context: '',
  version: '1.0.0',
  endpoint: '',
  policies: [],
  description: '',
};

/** The API resource for the basics; empty optional fields are left out so the server's defaults apply. */
function basicsBody(b: ApiBasics): Record<string, unknown> {
  const endpoint = b.endpoint.trim();
  return {
    name: b.name.trim(),
    context:
      b.context.trim() && !b.context.trim().startsWith('/') ? `/${b.context.trim()}` : b.context.trim(),
    version: b.version.trim(),
    ...(b.description.trim() ? { description: b.description.trim() } : {}),
    ...(b.policies.length ? { policies: b.policies } : {}),
    ...(endpoint
      ? {
          endpointConfig: {
            endpoint_type: API_DEFAULTS.endpointConfig.endpoint_type,
            production_endpoints: { url: endpoint },
            sandbox_endpoints: { url: endpoint },
          },
        }
      : {}),
  };
}

/**
 * An API with the same name or the same context already exists in this version: say so on the
 * field, before the server refuses it with a conflict.
 */
async function duplicateErrors(name: string, context: string, version: string): Promise<FieldErrors> {
  const out: FieldErrors = {};
  const search = (query: string) =>
    request<ListOf<Complete<Publisher.APIInfo>>>('publisher', '/apis', { query: { query, limit: 100 } });
  if (context.trim()) {
    const ctx = context.startsWith('/') ? context : `/${context}`;
    const found = await search(`context:${ctx}`);
    if (found.list.some((a) => a.context.toLowerCase() === ctx.toLowerCase() && a.version === version))
      out.context = `The context ${ctx} is already used by an API in version ${version}`;
  }
  if (name.trim()) {
    const found = await search(`name:${name.trim().split(/\s+/)[0] ?? ''}`);
    if (found.list.some((a) => a.name.toLowerCase() === name.trim().toLowerCase() && a.version === version))
      out.name = `An API named ${name.trim()} already exists in version ${version}`;
  }
  return out;
}

export function useSubscriptionTiers() {
  return useRest<ListOf<Admin.ThrottlePolicy>>('admin', '/throttling/policies/subscription');
}

/** The subscription tiers an API offers, chosen among those the administrator defined. */
export function SubscriptionTiersField(props: {
  label: string;
  values: string[];
  error?: string;
  onChange: (v: string[]) => void;
}) {
  const tiers = useSubscriptionTiers();
  return (
    <CheckboxGroup
      label={props.label}
      options={(tiers.data?.list ?? []).map((t) => ({
        value: t.policyName,
        label: `${t.displayName ?? t.policyName}${t.description ? ` — ${t.description}` : ''}`,
      }))}
      values={props.values}
      error={
        props.error ?? (tiers.isError ? `The tiers could not be loaded: ${tiers.error.message}` : undefined)
      }
      onChange={props.onChange}
    />
  );
}

const BASICS_FIELDS = ['name', 'context', 'version', 'endpointConfig', 'policies', 'description'];

/**
 * The basics of a new API, checked against the createAPI schema and for duplicates, then given to
 * `send`; the new API's page opens. `children` come first (the import's preview).
 */
export function NewApiForm(props: {
  value: ApiBasics;
  onChange: (v: ApiBasics) => void;
  send: (body: Record<string, unknown>) => Promise<Complete<Publisher.API>>;
  submit: string;
  pending: string;
  children?: ReactNode;
}) {
  const navigate = useNavigate();
  const notify = useNotify();
  const write = useCheckedWrite('publisher', 'createAPI', props.send, {
    stale: [['publisher', '/apis']],
    onSuccess: (api) => {
      notify({
        message: `API ${api.name} ${api.version} created.`,
        next: { label: 'Next: deploy a revision', to: `/publisher/apis/${api.id}/deployments` },
      });
      navigate(`/publisher/apis/${api.id}`);
    },
  });
  const { value: b, onChange } = props;
  const errors = write.errors;
  const checkUnique = async () => {
    const dup = await duplicateErrors(b.name, b.context, b.version.trim()).catch(() => ({}));
    write.setErrors((prev) => {
      const next = { ...prev };
      delete next.name;
      delete next.context;
      return { ...next, ...dup };
    });
    return dup;
  };
  const set = (patch: Partial<ApiBasics>) => onChange({ ...b, ...patch });
  return (
    <FormPanel
      write={write}
      shown={BASICS_FIELDS}
      submit={props.submit}
      pending={props.pending}
      onSubmit={async () => write.submit(basicsBody(b), await checkUnique())}
    >
      {props.children}
      <div className="row">
        <TextField
          label="Name"
          required
          value={b.name}
          error={errors?.name}
          onChange={(name) => set({ name })}
          onBlur={() => void checkUnique()}
        />
        <TextField
          label="Context"
          required
          value={b.context}
          placeholder="/pets"
          hint="The path the gateway serves the API under"
          error={errors?.context}
          onChange={(context) => set({ context })}
          onBlur={() => void checkUnique()}
        />
        <TextField
          label="Version"
          required
          value={b.version}
          error={errors?.version}
          onChange={(version) => set({ version })}
          onBlur={() => void checkUnique()}
        />
      </div>
      <TextField
        label="Backend endpoint"
        type="url"
        value={b.endpoint}
        placeholder="https://backend.example.com/v1"
        error={errorAt(errors, 'endpointConfig')}
        onChange={(endpoint) => set({ endpoint })}
      />
      <SubscriptionTiersField
        label="Subscription tiers"
        values={b.policies}
        error={errors?.policies}
        onChange={(policies) => set({ policies })}
      />
      <TextArea
        label="Description"
        value={b.description}
        error={errors?.description}
        onChange={(description) => set({ description })}
      />
    </FormPanel>
  );
}

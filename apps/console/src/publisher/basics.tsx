/**
 * The fields every new API needs (name, context, version, backend, tiers), shared by "Create API"
 * and "Import OpenAPI": the same checks against the createAPI schema and for duplicates.
 */
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import type { FieldErrors } from '../shared/schema';
import { CheckboxGroup, TextArea, TextField } from '../shared/ui';
import type { ApiInfo, TierInfo } from './types';

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
export function basicsBody(b: ApiBasics): Record<string, unknown> {
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
            endpoint_type: 'http',
            production_endpoints: { url: endpoint },
            sandbox_endpoints: { url: endpoint },
          },
        }
      : {}),
  };
}

/** The schema's errors renamed to the form's fields (endpointConfig.* -> endpoint). */
export function basicsErrors(errors: FieldErrors | null): FieldErrors | null {
  if (!errors) return null;
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) out[k.startsWith('endpointConfig') ? 'endpoint' : k] ??= v;
  return out;
}

/**
 * An API with the same name or the same context already exists in this version: say so on the
 * field, before the server refuses it with a conflict.
 */
export async function duplicateErrors(name: string, context: string, version: string): Promise<FieldErrors> {
  const out: FieldErrors = {};
  const search = (query: string) =>
    request<ListOf<ApiInfo>>('publisher', '/apis', { query: { query, limit: 100 } });
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
  return useRest<ListOf<TierInfo>>('admin', '/throttling/policies/subscription');
}

export const BASICS_FIELDS = ['name', 'context', 'version', 'endpoint', 'policies', 'description'];

export function ApiBasicsFields(props: {
  value: ApiBasics;
  onChange: (v: ApiBasics) => void;
  errors: FieldErrors | null;
  onBlurUnique: () => void;
}) {
  const { value: b, onChange, errors } = props;
  const tiers = useSubscriptionTiers();
  const set = (patch: Partial<ApiBasics>) => onChange({ ...b, ...patch });
  return (
    <>
      <div className="row">
        <TextField
          label="Name"
          required
          value={b.name}
          error={errors?.name}
          onChange={(name) => set({ name })}
          onBlur={props.onBlurUnique}
        />
        <TextField
          label="Context"
          required
          value={b.context}
          placeholder="/pets"
          hint="The path the gateway serves the API under"
          error={errors?.context}
          onChange={(context) => set({ context })}
          onBlur={props.onBlurUnique}
        />
        <TextField
          label="Version"
          required
          value={b.version}
          error={errors?.version}
          onChange={(version) => set({ version })}
          onBlur={props.onBlurUnique}
        />
      </div>
      <TextField
        label="Backend endpoint"
        type="url"
        value={b.endpoint}
        placeholder="https://backend.example.com/v1"
        error={errors?.endpoint}
        onChange={(endpoint) => set({ endpoint })}
      />
      <CheckboxGroup
        label="Subscription tiers"
        options={(tiers.data?.list ?? []).map((t) => ({
          value: t.policyName,
          label: `${t.displayName ?? t.policyName}${t.description ? ` — ${t.description}` : ''}`,
        }))}
        values={b.policies}
        error={
          errors?.policies ??
          (tiers.isError ? `The tiers could not be loaded: ${tiers.error.message}` : undefined)
        }
        onChange={(policies) => set({ policies })}
      />
      <TextArea
        label="Description"
        value={b.description}
        error={errors?.description}
        onChange={(description) => set({ description })}
      />
    </>
  );
}

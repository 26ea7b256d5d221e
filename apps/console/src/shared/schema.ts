/**
 * Checks a form's body before it is sent, against the very JSON Schema the REST API validates with:
 * the request body schema of the operation in the OpenAPI document the control plane serves.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { REST, type RestApi } from './api';
import { useRestMutation, type Stale } from './hooks';
import { friendlyMessage, labelOfPath } from './validation-messages';

export type Doc = {
  paths?: Record<
    string,
    Record<string, { operationId?: string; requestBody?: { content?: Record<string, unknown> } }>
  >;
};

/** Field path (dots, '' for the whole body) -> what is wrong with it. */
export type FieldErrors = Record<string, string>;

/** Field path (dots) -> its label on the form, for the messages. */
export type Labels = Record<string, string>;

/** The first error at or under one of the fields. */
export function errorAt(errors: FieldErrors | null, ...fields: string[]): string | undefined {
  for (const [k, v] of Object.entries(errors ?? {}))
    if (fields.some((p) => k === p || k.startsWith(`${p}.`))) return v;
  return undefined;
}

const compilers = new Map<RestApi, { doc: Doc; ajv: Ajv2020; cache: Map<string, ValidateFunction | null> }>();

function compilerFor(api: RestApi, doc: Doc) {
  let c = compilers.get(api);
  if (!c || c.doc !== doc) {
    const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
    addFormats(ajv);
    ajv.addSchema(doc as object, `urn:console:${api}`);
    c = { doc, ajv, cache: new Map() };
    compilers.set(api, c);
  }
  return c;
}

const escape = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

/** The validator of an operation's request body in a served document (null: the operation takes none). */
export function bodyValidator(api: RestApi, doc: Doc, operationId: string): ValidateFunction | null {
  const c = compilerFor(api, doc);
  if (c.cache.has(operationId)) return c.cache.get(operationId) ?? null;
  let found: ValidateFunction | null = null;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (op?.operationId !== operationId) continue;
      const type = Object.keys(op.requestBody?.content ?? {})[0];
      if (type)
        found = c.ajv.compile({
          $ref: `urn:console:${api}#/paths/${escape(path)}/${method}/requestBody/content/${escape(type)}/schema`,
        });
    }
  }
  c.cache.set(operationId, found);
  return found;
}

/** The label of a property from its schema's `title`, when ajv reports the schema (verbose). */
function titleOf(schema: unknown, property?: string): string | undefined {
  const s = schema as { title?: unknown; properties?: Record<string, { title?: unknown }> } | undefined;
  const title = property === undefined ? s?.title : s?.properties?.[property]?.title;
  return typeof title === 'string' && title ? title : undefined;
}

/**
 * ajv's errors keyed by field, as sentences naming the field: its label on the form (`labels`, by
 * field path), else its schema's `title`, else its property name humanised.
 */
export function fieldErrors(errors: ErrorObject[] | null | undefined, labels: Labels = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors ?? []) {
    // oneOf/anyOf report every branch; the branch errors say more, so the summary is skipped.
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    let field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    let title = titleOf(e.parentSchema);
    const child =
      e.keyword === 'required'
        ? (e.params as { missingProperty: string }).missingProperty
        : e.keyword === 'additionalProperties'
          ? (e.params as { additionalProperty: string }).additionalProperty
          : undefined;
    if (child !== undefined) {
      field = [field, child].filter(Boolean).join('.');
      title = titleOf(e.parentSchema, child);
    }
    const label = labels[field] ?? title ?? labelOfPath(field);
    out[field] ??= friendlyMessage({ keyword: e.keyword, params: e.params, message: e.message }, label);
  }
  return out;
}

/** The served OpenAPI document of a REST API (cached for the session). */
export function useRestDocument(api: RestApi) {
  return useQuery({
    queryKey: ['openapi', api],
    queryFn: async () => {
      const res = await fetch(`${REST[api]}/openapi.json`, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`The ${api} API description answered ${res.status}`);
      return (await res.json()) as Doc;
    },
    staleTime: Infinity,
    retry: 1,
  });
}

/**
 * A checker for the body of `operationId`. It returns the errors by field, or null when the body
 * is valid (or when the document could not be loaded: the server checks again anyway).
 */
export function useBodyCheck(
  api: RestApi,
  operationId: string,
  labels?: Labels,
): (body: unknown) => FieldErrors | null {
  const { data } = useRestDocument(api);
  return useMemo(() => {
    const validate = data ? bodyValidator(api, data, operationId) : null;
    return (body: unknown) => {
      if (!validate || validate(body)) return null;
      return fieldErrors(validate.errors, labels);
    };
  }, [api, data, operationId, labels]);
}

/**
 * A write whose body is first checked against the schema the REST API validates `operationId`
 * with: the errors are kept by field for the form, and only a valid body is sent.
 */
export function useCheckedWrite<B, R = unknown>(
  api: RestApi,
  operationId: string,
  send: (body: B) => Promise<R>,
  options: { stale: readonly Stale[]; onSuccess?: (result: R, body: B) => void; labels?: Labels },
) {
  const check = useBodyCheck(api, operationId, options.labels);
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const mutation = useRestMutation(send, options);
  return {
    errors,
    setErrors,
    mutation,
    /** Sends the body unless the schema or the form's own checks (`more`) find something wrong. */
    submit(body: B, more: FieldErrors = {}) {
      const all = { ...check(body), ...more };
      const found = Object.keys(all).length ? all : null;
      setErrors(found);
      if (found) mutation.reset();
      else mutation.mutate(body);
    },
  };
}

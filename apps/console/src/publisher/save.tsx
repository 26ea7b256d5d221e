/** Saving a change to one API: the whole resource is sent (WSO2's PUT), checked first with its schema. */
import { useState, type ReactNode } from 'react';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { ErrorBox, Notice, OtherErrors } from '../shared/ui';
import type { Api } from './types';

export function useApiSave(api: Api) {
  const check = useBodyCheck('publisher', 'updateAPI');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const [saved, setSaved] = useState(false);
  const mutation = useRestMutation(
    (body: Api) => request<Api>('publisher', `/apis/${api.id}`, { method: 'PUT', json: body }),
    { stale: [['publisher', '/apis']], onSuccess: () => setSaved(true) },
  );
  return {
    errors,
    mutation,
    saved,
    save(patch: Partial<Api>) {
      const body = { ...api, ...patch };
      const found = check(body);
      setErrors(found);
      setSaved(false);
      if (!found) mutation.mutate(body);
    },
  };
}

/** The save button with the outcome: saved, the server's error, or errors of fields not on the form. */
export function SaveBar(props: {
  save: ReturnType<typeof useApiSave>;
  shown: readonly string[];
  children?: ReactNode;
}) {
  const { save } = props;
  return (
    <>
      <OtherErrors errors={save.errors} shown={props.shown} />
      <ErrorBox error={save.mutation.error} />
      {save.saved && !save.mutation.isPending && (
        <Notice>Saved. Create a revision and deploy it to put the change live.</Notice>
      )}
      <div className="row">
        <button type="submit" disabled={save.mutation.isPending}>
          {save.mutation.isPending ? 'Saving…' : 'Save'}
        </button>
        {props.children}
      </div>
    </>
  );
}

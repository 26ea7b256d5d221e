/** Saving a change to one API: the whole resource is sent (WSO2's PUT), checked first with its schema. */
import type { ReactNode } from 'react';
import { request } from '../shared/api';
import { useCheckedWrite, type FieldErrors } from '../shared/schema';
import { FormPanel } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';

export function useApiSave(api: Complete<Publisher.API>) {
  const write = useCheckedWrite(
    'publisher',
    'updateAPI',
    (body: Complete<Publisher.API>) =>
      request<Complete<Publisher.API>>('publisher', `/apis/${api.id}`, { method: 'PUT', json: body }),
    { stale: [['publisher', '/apis']] },
  );
  return {
    ...write,
    /** `more`: the form's own findings, shown with the schema's and stopping the save */
    save: (patch: Partial<Complete<Publisher.API>>, more?: FieldErrors) =>
      write.submit({ ...api, ...patch }, more),
  };
}

/** One settings form of an API: its fields, then the save button with the outcome. */
export function SaveForm(props: {
  save: ReturnType<typeof useApiSave>;
  /** the fields of the resource this form edits */
  shown: readonly string[];
  onSubmit: () => void;
  children: ReactNode;
}) {
  return (
    <FormPanel
      write={props.save}
      shown={props.shown}
      submit="Save"
      pending="Saving…"
      done="Saved. Create a revision and deploy it to put the change live."
      onSubmit={props.onSubmit}
    >
      {props.children}
    </FormPanel>
  );
}

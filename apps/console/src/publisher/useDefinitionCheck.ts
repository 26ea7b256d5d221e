import { useState } from 'react';
import type { Complete, Publisher } from '@apim/rest-contract';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { EMPTY_BASICS, type ApiBasics } from './basics';

interface Checked {
  isValid: boolean;
}

interface Options<V extends Checked> {
  /** the form field pasted text is sent in (a file is sent as `file`) */
  textField: string;
  /** publisher paths that check the source and create the API from it */
  validatePath: string;
  importPath: string;
  /** the findings of a source that is not valid, one sentence each */
  problemsOf(v: V): string[];
  /** called when the source is found valid: the API's details it suggests (a page may take more) */
  onValid(v: V, file: File | null): ApiBasics;
}

/**
 * The state behind DefinitionCheckForm and the NewApiForm that follows it: the source (a file or
 * pasted text), the server's check of it, its problems, the details it suggests, and the import
 * that sends the same source again with the details. `source` is DefinitionCheckForm's props.
 */
export function useDefinitionCheck<V extends Checked>(o: Options<V>) {
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [validated, setValidated] = useState<V | null>(null);
  const [basics, setBasics] = useState<ApiBasics>(EMPTY_BASICS);
  const [problems, setProblems] = useState<string[]>([]);

  const sourceForm = () => {
    const form = new FormData();
    if (file) form.set('file', file, file.name);
    else form.set(o.textField, text);
    return form;
  };
  const reset = () => {
    setValidated(null);
    setProblems([]);
  };
  const check = useRestMutation(() => request<V>('publisher', o.validatePath, { form: sourceForm() }), {
    stale: [],
    onSuccess: (v) => {
      if (!v.isValid) {
        setProblems(o.problemsOf(v));
        return;
      }
      setValidated(v);
      setBasics(o.onValid(v, file));
    },
  });
  const importApi = (body: Record<string, unknown>) => {
    const form = sourceForm();
    form.set('additionalProperties', JSON.stringify(body));
    return request<Complete<Publisher.API>>('publisher', o.importPath, { form });
  };
  return {
    source: { file, text, setFile, setText, onChange: reset, problems, check },
    validated,
    checkedAt: check.submittedAt,
    basics,
    setBasics,
    importApi,
  };
}

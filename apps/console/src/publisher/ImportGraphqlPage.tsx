import { useState } from 'react';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { Page } from '../shared/ui';
import { EMPTY_BASICS, NewApiForm, type ApiBasics } from './basics';
import { DefinitionCheckForm } from './DefinitionCheckForm';
import type { Complete, Publisher } from '@apim/rest-contract';

interface Validation {
  isValid: boolean;
  errorMessage?: string;
  errors?: { message: string; line?: number; column?: number }[];
  graphQLInfo?: { operations: { verb: string; target: string }[] };
}

function schemaForm(file: File | null, text: string): FormData {
  const form = new FormData();
  if (file) form.set('file', file, file.name);
  else form.set('schemaDefinition', text);
  return form;
}

/**
 * Create a GraphQL API from its schema (a .graphql SDL file or pasted text): the server checks the
 * SDL first, listing graphql-js's errors with their line and column; the fields of Query, Mutation
 * and Subscription become the API's operations, each with its own scopes and tier on its page.
 */
export function ImportGraphqlPage() {
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [validated, setValidated] = useState<Validation | null>(null);
  const [basics, setBasics] = useState<ApiBasics>(EMPTY_BASICS);
  const [problems, setProblems] = useState<string[]>([]);

  const reset = () => {
    setValidated(null);
    setProblems([]);
  };
  const validate = useRestMutation(
    () => request<Validation>('publisher', '/apis/validate-graphql-schema', { form: schemaForm(file, text) }),
    {
      stale: [],
      onSuccess: (v) => {
        if (!v.isValid) {
          setProblems(
            (v.errors ?? []).map((e) =>
              e.line ? `Line ${e.line}, column ${e.column}: ${e.message}` : e.message,
            ),
          );
          return;
        }
        setValidated(v);
        setBasics({ ...EMPTY_BASICS, name: file?.name.replace(/\.(graphqls?|gql)$/i, '') ?? '' });
      },
    },
  );
  const importApi = (body: Record<string, unknown>) => {
    const form = schemaForm(file, text);
    form.set('additionalProperties', JSON.stringify(body));
    return request<Complete<Publisher.API>>('publisher', '/apis/import-graphql-schema', { form });
  };
  const fields = validated?.graphQLInfo?.operations ?? [];

  return (
    <Page title="Create a GraphQL API">
      <DefinitionCheckForm
        id="graphql-file"
        fileLabel="GraphQL schema file (SDL)"
        accept=".graphql,.graphqls,.gql,text/plain"
        pasteLabel="Or paste the schema"
        noun="schema"
        file={file}
        text={text}
        setFile={setFile}
        setText={setText}
        onChange={reset}
        problems={problems}
        check={validate}
      />

      {validated && (
        <NewApiForm
          key={validate.submittedAt}
          value={basics}
          onChange={setBasics}
          send={importApi}
          submit="Create"
          pending="Creating…"
        >
          <p className="notice" role="status">
            A valid schema with {fields.length} operation{fields.length === 1 ? '' : 's'}:{' '}
            {fields.map((f) => `${f.verb.toLowerCase()} ${f.target}`).join(', ')}.
          </p>
          <h2>API details</h2>
        </NewApiForm>
      )}
    </Page>
  );
}

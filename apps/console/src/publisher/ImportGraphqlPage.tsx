import { useState } from 'react';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { ErrorBox, Page, TextArea } from '../shared/ui';
import { EMPTY_BASICS, NewApiForm, type ApiBasics } from './basics';
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
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          reset();
          validate.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="graphql-file">GraphQL schema file (SDL)</label>
          <input
            id="graphql-file"
            type="file"
            accept=".graphql,.graphqls,.gql,text/plain"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              reset();
            }}
          />
        </div>
        {!file && (
          <TextArea
            label="Or paste the schema"
            rows={10}
            monospace
            value={text}
            onChange={(v) => {
              setText(v);
              reset();
            }}
          />
        )}
        {problems.length > 0 && (
          <div className="error-box" role="alert">
            <strong>The schema cannot be imported.</strong>
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        <ErrorBox error={validate.error} />
        <button type="submit" className="secondary" disabled={(!file && !text.trim()) || validate.isPending}>
          {validate.isPending ? 'Checking…' : 'Check schema'}
        </button>
      </form>

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

import { Page } from '../shared/ui';
import { EMPTY_BASICS, NewApiForm } from './basics';
import { DefinitionCheckForm } from './DefinitionCheckForm';
import { useDefinitionCheck } from './useDefinitionCheck';

interface Validation {
  isValid: boolean;
  errorMessage?: string;
  errors?: { message: string; line?: number; column?: number }[];
  graphQLInfo?: { operations: { verb: string; target: string }[] };
}

/**
 * Create a GraphQL API from its schema (a .graphql SDL file or pasted text): the server checks the
 * SDL first, listing graphql-js's errors with their line and column; the fields of Query, Mutation
 * and Subscription become the API's operations, each with its own scopes and tier on its page.
 */
export function ImportGraphqlPage() {
  const d = useDefinitionCheck<Validation>({
    textField: 'schemaDefinition',
    validatePath: '/apis/validate-graphql-schema',
    importPath: '/apis/import-graphql-schema',
    problemsOf: (v) =>
      (v.errors ?? []).map((e) => (e.line ? `Line ${e.line}, column ${e.column}: ${e.message}` : e.message)),
    onValid: (_v, file) => ({ ...EMPTY_BASICS, name: file?.name.replace(/\.(graphqls?|gql)$/i, '') ?? '' }),
  });
  const fields = d.validated?.graphQLInfo?.operations ?? [];

  return (
    <Page title="Create a GraphQL API">
      <DefinitionCheckForm
        id="graphql-file"
        fileLabel="GraphQL schema file (SDL)"
        accept=".graphql,.graphqls,.gql,text/plain"
        pasteLabel="Or paste the schema"
        noun="schema"
        {...d.source}
      />

      {d.validated && (
        <NewApiForm
          key={d.checkedAt}
          value={d.basics}
          onChange={d.setBasics}
          send={d.importApi}
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

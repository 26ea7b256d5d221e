import { useState } from 'react';
import { Link } from 'react-router';
import { notifications } from '@mantine/notifications';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { ErrorBox, Page, TextArea, TextField } from '../shared/ui';
import { EMPTY_BASICS, NewApiForm, type ApiBasics } from './basics';
import { previewOf, type Preview } from './preview';
import { LintFindings } from './LintFindings';
import type { Complete, Publisher } from '@apim/rest-contract';

type SourceKind = 'file' | 'paste' | 'url';

interface Validation {
  isValid: boolean;
  info?: { name?: string; version?: string; description?: string; openAPIVersion?: string; context?: string };
  errors?: { message?: string; description?: string }[];
  /** the linter's findings: shown, never a reason to refuse */
  lint?: Publisher.LintResult[];
}

function sourceForm(kind: SourceKind, file: File | null, text: string, url: string): FormData {
  const form = new FormData();
  if (kind === 'file' && file) form.set('file', file, file.name);
  if (kind === 'paste') form.set('inlineAPIDefinition', text);
  if (kind === 'url') form.set('url', url.trim());
  return form;
}

/**
 * What the import changed in the document (scopes another API owns, renamed for this one), kept on
 * screen until dismissed: the page moves on to the new API, and tokens must ask for the new names.
 */
function showImportWarnings(api: Complete<Publisher.ImportedAPI>) {
  notifications.show({
    role: 'alert',
    color: 'yellow',
    withBorder: true,
    autoClose: false,
    closeButtonProps: { 'aria-label': 'Dismiss warning' },
    title: `${api.name} ${api.version}: scopes renamed`,
    message: (
      <>
        <ul>
          {api.warnings.map((w) => (
            <li key={w.scope}>
              <code>{w.scope}</code> belongs to{' '}
              <Link to={`/publisher/apis/${w.ownerApi.id}/scopes`}>
                {w.ownerApi.name} {w.ownerApi.version}
              </Link>
              : this API requires <code>{w.renamedTo}</code> instead.
            </li>
          ))}
        </ul>
        <Link to={`/publisher/apis/${api.id}/scopes`}>Review the scopes and their roles</Link>
      </>
    ),
  });
}

/**
 * Import OpenAPI 2.0 / 3.x from a file, pasted text or a URL: the server checks the document first,
 * the operations are previewed, and only then is the API created.
 */
export function ImportApiPage() {
  const [kind, setKind] = useState<SourceKind>('file');
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [validated, setValidated] = useState<{ validation: Validation; preview: Preview } | null>(null);
  const [basics, setBasics] = useState<ApiBasics>(EMPTY_BASICS);
  const [sourceError, setSourceError] = useState<string | null>(null);

  const reset = () => {
    setValidated(null);
    setSourceError(null);
  };
  const validate = useRestMutation(
    async () => {
      const validation = await request<Validation>('publisher', '/apis/validate-openapi', {
        form: sourceForm(kind, file, text, url),
      });
      const docText = kind === 'file' && file ? await file.text() : kind === 'paste' ? text : '';
      return { validation, preview: previewOf(docText) };
    },
    {
      stale: [],
      onSuccess: (result) => {
        if (!result.validation.isValid) {
          const first = result.validation.errors?.[0];
          setSourceError(
            first?.description ?? first?.message ?? 'The document is not a valid OpenAPI definition',
          );
          setValidated(null);
          return;
        }
        setValidated(result);
        const info = result.validation.info ?? {};
        setBasics({
          ...EMPTY_BASICS,
          name: info.name ?? '',
          version: info.version ?? '1.0.0',
          description: info.description ?? '',
          context: info.context ?? result.preview.context ?? '',
          endpoint: result.preview.endpoint ?? '',
        });
      },
    },
  );
  const importApi = async (body: Record<string, unknown>) => {
    const form = sourceForm(kind, file, text, url);
    form.set('additionalProperties', JSON.stringify(body));
    const api = await request<Complete<Publisher.ImportedAPI>>('publisher', '/apis/import-openapi', { form });
    if (api.warnings.length) showImportWarnings(api);
    return api;
  };
  const sourceGiven =
    kind === 'file' ? !!file : kind === 'paste' ? text.trim().length > 0 : url.trim().length > 0;

  return (
    <Page title="Import an OpenAPI definition">
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          setSourceError(null);
          validate.mutate();
        }}
      >
        <fieldset className="checkbox-group inline">
          <legend>Source</legend>
          {(
            [
              ['file', 'Upload a file'],
              ['paste', 'Paste the definition'],
              ['url', 'From a URL'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="checkbox">
              <input
                type="radio"
                name="source"
                value={value}
                checked={kind === value}
                onChange={() => {
                  setKind(value);
                  reset();
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
        {kind === 'file' && (
          <div className="field">
            <label htmlFor="openapi-file">OpenAPI file (JSON or YAML)</label>
            <input
              id="openapi-file"
              type="file"
              accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                reset();
              }}
            />
          </div>
        )}
        {kind === 'paste' && (
          <TextArea
            label="OpenAPI definition"
            rows={12}
            monospace
            value={text}
            onChange={(v) => {
              setText(v);
              reset();
            }}
          />
        )}
        {kind === 'url' && (
          <TextField
            label="Definition URL"
            type="url"
            value={url}
            hint="The control plane fetches it; its host must be allowed by the administrator"
            onChange={(v) => {
              setUrl(v);
              reset();
            }}
          />
        )}
        {sourceError && (
          <div className="error-box" role="alert">
            <strong>The definition cannot be imported.</strong> {sourceError}
          </div>
        )}
        <ErrorBox error={validate.error} />
        <button type="submit" className="secondary" disabled={!sourceGiven || validate.isPending}>
          {validate.isPending ? 'Checking…' : 'Check definition'}
        </button>
      </form>

      {validated && (
        <NewApiForm
          key={validate.submittedAt}
          value={basics}
          onChange={setBasics}
          send={importApi}
          submit="Import"
          pending="Importing…"
        >
          <h2>Preview</h2>
          <p className="notice" role="status">
            A valid OpenAPI {validated.validation.info?.openAPIVersion ?? ''} definition
            {validated.preview.operations.length
              ? ` with ${validated.preview.operations.length} operations`
              : ''}
            .
          </p>
          {validated.preview.operations.length > 0 && (
            <table aria-label="Operations to be created">
              <thead>
                <tr>
                  <th scope="col">Verb</th>
                  <th scope="col">Resource</th>
                  <th scope="col">Summary</th>
                </tr>
              </thead>
              <tbody>
                {validated.preview.operations.map((o) => (
                  <tr key={`${o.verb} ${o.target}`}>
                    <td className={`verb verb-${o.verb.toLowerCase()}`}>{o.verb}</td>
                    <td>
                      <code>{o.target}</code>
                    </td>
                    <td>{o.summary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <LintFindings id="import-lint-title" findings={validated.validation.lint ?? []} />
          <h2>API details</h2>
        </NewApiForm>
      )}
    </Page>
  );
}

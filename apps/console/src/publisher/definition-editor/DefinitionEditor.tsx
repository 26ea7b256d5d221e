/**
 * The publisher's OpenAPI definition editor (CodeMirror 6): YAML or JSON, checked as you type by
 * the control plane (the importer's verdict and the linter's findings, marked at their lines and
 * listed), the changes reviewed as a diff against the saved definition, then saved through the PUT
 * that replaces the API's definition (and its operations and scopes, as an import would make them).
 * Loaded on its own (DefinitionTab lazy-loads it): CodeMirror is a large part of a page.
 */
import { useMemo, useRef, useState } from 'react';
import CodeMirror, { EditorView, type Extension } from '@uiw/react-codemirror';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter } from '@codemirror/lint';
import { getChunks, unifiedMergeView } from '@codemirror/merge';
import type { Complete, Publisher } from '@apim/rest-contract';
import { request } from '../../shared/api';
import { useRestMutation } from '../../shared/hooks';
import { useNotify } from '../../shared/notify';
import { ErrorBox } from '../../shared/ui';
import { LintFindings } from '../LintFindings';
import { checkDefinition, diagnosticsOf, positionOf, type DefinitionCheck, type Finding } from './check';

/** How long typing pauses before the definition is checked. */
const CHECK_DELAY_MS = 600;

const label = (text: string) => EditorView.contentAttributes.of({ 'aria-label': text });

/** The scrolling box takes the keyboard focus too, so a read-only text scrolls by keyboard. */
const focusableScroller = (v: EditorView) => {
  v.scrollDOM.tabIndex = 0;
};

export default function DefinitionEditor(props: { api: Complete<Publisher.API>; saved: string }) {
  const { api, saved } = props;
  const notify = useNotify();
  const [text, setText] = useState(saved);
  const [check, setCheck] = useState<DefinitionCheck | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [reviewing, setReviewing] = useState(false);
  const [changes, setChanges] = useState<number | null>(null);
  const view = useRef<EditorView | null>(null);

  const language = useMemo(() => (/^\s*[{[]/.test(saved) ? json() : yaml()), [saved]);
  const editorExtensions = useMemo<Extension[]>(
    () => [
      language,
      label('OpenAPI definition'),
      lintGutter(),
      // CodeMirror waits for a pause in typing and drops an answer for a text changed since.
      linter(
        async (v) => {
          const current = v.state.doc.toString();
          if (!current.trim()) {
            setCheck(null);
            return [];
          }
          try {
            const result = await checkDefinition(current);
            setCheck(result);
            setCheckError(null);
            return diagnosticsOf(v.state.doc, result.findings);
          } catch (e) {
            setCheckError(e);
            return [];
          }
        },
        { delay: CHECK_DELAY_MS },
      ),
    ],
    [language],
  );
  const diffExtensions = useMemo<Extension[]>(
    () => [
      language,
      label('Changes to the OpenAPI definition'),
      unifiedMergeView({
        original: saved,
        mergeControls: false,
        collapseUnchanged: { margin: 3, minSize: 6 },
      }),
    ],
    [language, saved],
  );

  const save = useRestMutation(
    async () => {
      const form = new FormData();
      form.set('apiDefinition', text);
      return request('publisher', `/apis/${api.id}/swagger`, { method: 'PUT', form });
    },
    {
      stale: [['publisher', `/apis/${api.id}`]],
      onSuccess: () =>
        notify({
          message: 'Definition saved: the API’s operations and scopes now follow it.',
          next: { label: 'Next: deploy a revision', to: `/publisher/apis/${api.id}/deployments` },
        }),
    },
  );

  const goTo = (f: Finding) => {
    const v = view.current;
    if (!v) return;
    const at = positionOf(v.state.doc, f.line, f.column);
    v.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    v.focus();
  };

  const changed = text !== saved;
  const errorCount = check?.findings.filter((f) => f.severity === 'error').length ?? 0;

  if (reviewing)
    return (
      <section aria-labelledby="review-title">
        <h3 id="review-title">Review changes</h3>
        <p className="muted">
          Removed lines are struck through, added lines highlighted
          {changes !== null && ` (${changes} changed ${changes === 1 ? 'place' : 'places'})`}. Saving replaces
          the API’s operations with those the definition describes.
        </p>
        {check && !check.valid && (
          <p className="error-box" role="alert">
            The definition has errors: the control plane will refuse it.
          </p>
        )}
        <CodeMirror
          value={text}
          editable={false}
          readOnly
          maxHeight="60vh"
          extensions={diffExtensions}
          onCreateEditor={(v) => {
            focusableScroller(v);
            setChanges(getChunks(v.state)?.chunks.length ?? 0);
          }}
        />
        {save.error != null && (
          <div role="alert">
            <strong>The definition was not saved.</strong>
            <ErrorBox error={save.error} />
          </div>
        )}
        <div className="row">
          <button type="button" disabled={save.isPending} onClick={() => save.mutate()}>
            {save.isPending ? 'Saving…' : 'Save definition'}
          </button>
          <button type="button" className="secondary" onClick={() => setReviewing(false)}>
            Back to editing
          </button>
        </div>
      </section>
    );

  return (
    <section aria-labelledby="editor-title">
      <h3 id="editor-title">Edit the definition</h3>
      <CodeMirror
        value={text}
        maxHeight="60vh"
        minHeight="20rem"
        extensions={editorExtensions}
        onChange={setText}
        onCreateEditor={(v) => {
          focusableScroller(v);
          view.current = v;
        }}
      />
      <p className="muted" aria-live="polite">
        {check === null
          ? 'Checked as you type.'
          : check.valid
            ? 'Valid definition.'
            : `The definition is invalid${errorCount ? ` (${errorCount} marked in the editor)` : ''}: it cannot be saved until the errors are fixed.`}
      </p>
      {check && !check.valid && (
        <ul className="error-box" aria-label="Definition errors">
          {check.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <ErrorBox error={checkError} />
      {check && <LintFindings id="editor-lint-title" findings={check.findings} onGoTo={goTo} />}
      <div className="row">
        <button
          type="button"
          disabled={!changed}
          onClick={() => {
            save.reset();
            setReviewing(true);
          }}
        >
          Review changes
        </button>
        <button type="button" className="secondary" disabled={!changed} onClick={() => setText(saved)}>
          Discard changes
        </button>
      </div>
    </section>
  );
}

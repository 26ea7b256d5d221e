import { ErrorBox, TextArea } from '../shared/ui';

interface Props {
  /** id of the file input */
  id: string;
  fileLabel: string;
  accept: string;
  pasteLabel: string;
  /** what is checked: 'definition' (AsyncAPI) or 'schema' (GraphQL SDL) */
  noun: string;
  file: File | null;
  text: string;
  setFile(file: File | null): void;
  setText(text: string): void;
  /** called before each check and on each new file or text: the caller forgets the last check */
  onChange(): void;
  /** the server's findings, one sentence each */
  problems: string[];
  check: { mutate(): void; isPending: boolean; error: unknown };
}

/**
 * The first step of creating an API from a definition file or pasted text (AsyncAPI, GraphQL
 * SDL): the server checks it and its problems are listed before the API's details are asked.
 */
export function DefinitionCheckForm(p: Props) {
  return (
    <form
      className="panel"
      onSubmit={(e) => {
        e.preventDefault();
        p.onChange();
        p.check.mutate();
      }}
    >
      <div className="field">
        <label htmlFor={p.id}>{p.fileLabel}</label>
        <input
          id={p.id}
          type="file"
          accept={p.accept}
          onChange={(e) => {
            p.setFile(e.target.files?.[0] ?? null);
            p.onChange();
          }}
        />
      </div>
      {!p.file && (
        <TextArea
          label={p.pasteLabel}
          rows={10}
          monospace
          value={p.text}
          onChange={(v) => {
            p.setText(v);
            p.onChange();
          }}
        />
      )}
      {p.problems.length > 0 && (
        <div className="error-box" role="alert">
          <strong>The {p.noun} cannot be imported.</strong>
          <ul>
            {p.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={p.check.error} />
      <button type="submit" className="secondary" disabled={(!p.file && !p.text.trim()) || p.check.isPending}>
        {p.check.isPending ? 'Checking…' : `Check ${p.noun}`}
      </button>
    </form>
  );
}

/** The console's building blocks: labelled fields, the three states of server data, tables, tabs. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import { messageOf, request, type ListOf, type RestApi } from './api';
import { useRestMutation, type Stale } from './hooks';
import { labelOf, type Labels } from './labels';
import type { FieldErrors } from './schema';
import { usePageTitle } from './title';

/** A page: its heading, which is also the browser tab's title (usePageTitle). */
export function Page(props: { title: string; actions?: ReactNode; children: ReactNode }) {
  usePageTitle(props.title);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{props.title}</h1>
        {props.actions && <div className="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-box" role="alert">
      <span>{messageOf(error)}</span>
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

/** Loading, error, empty or the data. */
export function QueryView<T>(props: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  what?: string;
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <Loading what={props.what ? `Loading ${props.what}` : 'Loading'} />;
  if (query.isError) return <ErrorBox error={query.error} onRetry={() => void query.refetch()} />;
  if (props.isEmpty?.(query.data)) return <Empty>{props.empty ?? 'Nothing here yet.'}</Empty>;
  return <>{props.children(query.data)}</>;
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/**
 * A list the REST API returns in WSO2's envelope, as a table: loading, error and empty states, one
 * row per item, and an optional last column of buttons (its header is for screen readers only).
 */
export function ListTable<T>(props: {
  query: UseQueryResult<ListOf<T>>;
  what: string;
  empty: ReactNode;
  rowKey: (row: T) => string;
  /** `false` leaves a column out */
  columns: readonly (Column<T> | false)[];
  actions?: (row: T) => ReactNode;
  label?: string;
}) {
  const columns = props.columns.filter((c): c is Column<T> => c !== false);
  return (
    <QueryView query={props.query} what={props.what} isEmpty={(d) => d.list.length === 0} empty={props.empty}>
      {(data) => (
        <table aria-label={props.label}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
              {props.actions && (
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {data.list.map((row) => (
              <tr key={props.rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.header}>{c.cell(row)}</td>
                ))}
                {props.actions && <td>{props.actions(row)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryView>
  );
}

/** What a confirmation asks: the question, the effect in plain words, the button that goes ahead. */
export interface Confirmation {
  /** e.g. "Block PizzaShackAPI 1.0.0?" */
  title: string;
  /** what happens, e.g. "Every subscriber's calls get 503 until the API is re-published." */
  effect: ReactNode;
  /** the button that goes ahead, e.g. "Block" */
  confirm: string;
  /** a red button: the action removes or breaks something */
  danger?: boolean;
}

/**
 * A modal confirmation (a real `<dialog>` opened with showModal): focus starts on the safe button,
 * Escape and Cancel cancel, and focus goes back where it was once it closes.
 */
export function ConfirmDialog(props: Confirmation & { onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    cancel.current?.focus();
    return () => {
      if (d?.open) d.close();
      before?.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-effect`}
      onCancel={(e) => {
        // Escape: the parent closes it (it stops rendering it)
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{props.title}</h2>
      <div id={`${id}-effect`} className="confirm-effect">
        {props.effect}
      </div>
      <div className="button-row">
        <button ref={cancel} type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={props.danger === false ? undefined : 'danger'}
          onClick={props.onConfirm}
        >
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}

/**
 * Asking before doing: `ask(confirmation, run)` opens the dialog, which runs `run` only if the user
 * goes ahead; render `dialog` somewhere in the component.
 */
export function useConfirm() {
  const [pending, setPending] = useState<{ confirmation: Confirmation; run: () => void } | null>(null);
  return {
    ask(confirmation: Confirmation, run: () => void) {
      setPending({ confirmation, run });
    },
    dialog: pending && (
      <ConfirmDialog
        {...pending.confirmation}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          setPending(null);
          pending.run();
        }}
      />
    ),
  };
}

/** Deletes one resource once the user confirms, saying what goes with it; a failure is shown beside the button. */
export function DeleteButton(props: {
  api: RestApi;
  path: string;
  stale: readonly Stale[];
  /** the button's accessible name and the question, e.g. "Delete Petstore" */
  label: string;
  text?: string;
  /** the confirmation's question, when "<label>?" does not say enough */
  question?: string;
  /** what deleting it does beyond removing it (what else goes with it, who notices) */
  effect?: ReactNode;
}) {
  const remove = useRestMutation((path: string) => request(props.api, path, { method: 'DELETE' }), {
    stale: props.stale,
  });
  const confirm = useConfirm();
  return (
    <>
      <button
        type="button"
        className="secondary small"
        aria-label={props.label}
        disabled={remove.isPending}
        onClick={() =>
          confirm.ask(
            {
              title: props.question ?? `${props.label}?`,
              effect: props.effect ?? 'This cannot be undone.',
              confirm: props.text ?? 'Delete',
            },
            () => remove.mutate(props.path),
          )
        }
      >
        {props.text ?? 'Delete'}
      </button>
      {confirm.dialog}
      <ErrorBox error={remove.error} />
    </>
  );
}

/**
 * A form in a panel whose body goes through a checked write (useCheckedWrite, or a save built on
 * it): the fields, the errors of fields the form has no input for, the server's error, the button.
 */
export function FormPanel(props: {
  title?: string;
  write: { errors: FieldErrors | null; mutation: { error: unknown; isPending: boolean; isSuccess: boolean } };
  /** fields that have an input on the form (their errors are shown there) */
  shown: readonly string[];
  submit: string;
  /** the button's text while the write is under way */
  pending?: string;
  /** shown once the write succeeded */
  done?: ReactNode;
  onSubmit: () => void | Promise<void>;
  /** buttons beside the submit button (e.g. Cancel) */
  secondary?: ReactNode;
  children: ReactNode;
}) {
  const { mutation } = props.write;
  return (
    <form
      className="panel"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSubmit();
      }}
    >
      {props.title && <h2>{props.title}</h2>}
      {props.children}
      <OtherErrors errors={props.write.errors} shown={props.shown} />
      <ErrorBox error={mutation.error} />
      {props.done && mutation.isSuccess && <Notice>{props.done}</Notice>}
      <div className="button-row">
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending && props.pending ? props.pending : props.submit}
        </button>
        {props.secondary}
      </div>
    </form>
  );
}

/** A search box that runs `onSearch` with the trimmed text. */
export function SearchForm(props: {
  label: string;
  initial: string;
  placeholder: string;
  onSearch: (text: string) => void;
}) {
  const id = useId();
  const [text, setText] = useState(props.initial);
  return (
    <form
      role="search"
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch(text.trim());
      }}
    >
      <div className="field">
        <label htmlFor={id}>{props.label}</label>
        <input
          id={id}
          type="search"
          value={text}
          placeholder={props.placeholder}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="field">
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

interface FieldProps {
  label: string;
  error?: string;
  hint?: ReactNode;
  required?: boolean;
}

function FieldShell(props: FieldProps & { id: string; children: ReactNode }) {
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <span className="label-row">
        <label htmlFor={props.id}>{props.label}</label>
        {/* outside the label, so the field's accessible name is the label alone ("required" is announced) */}
        {props.required && (
          <span aria-hidden="true" className="required-mark">
            *
          </span>
        )}
      </span>
      {props.children}
      {props.hint && (
        <small id={`${props.id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <small id={`${props.id}-error`} className="field-error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

function describedBy(id: string, p: FieldProps): string | undefined {
  return [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function TextField(
  props: FieldProps & {
    value: string;
    onChange: (v: string) => void;
    onBlur?: () => void;
    type?: string;
    placeholder?: string;
    name?: string;
    autoComplete?: string;
    min?: number;
    /** shown but not editable (e.g. a name that cannot change) */
    readOnly?: boolean;
  },
) {
  const id = useId();
  return (
    <FieldShell {...props} id={id}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        min={props.min}
        readOnly={props.readOnly}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props)}
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={props.onBlur}
      />
    </FieldShell>
  );
}

export function TextArea(
  props: FieldProps & {
    value: string;
    onChange: (v: string) => void;
    rows?: number;
    name?: string;
    monospace?: boolean;
  },
) {
  const id = useId();
  return (
    <FieldShell {...props} id={id}>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        value={props.value}
        className={props.monospace ? 'mono' : undefined}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </FieldShell>
  );
}

export function SelectField(
  props: FieldProps & {
    value: string;
    onChange: (v: string) => void;
    options: readonly (string | { value: string; label: string })[];
    name?: string;
  },
) {
  const id = useId();
  return (
    <FieldShell {...props} id={id}>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props)}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.map((o) => {
          const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {label}
            </option>
          );
        })}
      </select>
    </FieldShell>
  );
}

export function Checkbox(props: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  name?: string;
}) {
  const id = useId();
  return (
    <div className="checkbox">
      <input
        id={id}
        type="checkbox"
        name={props.name}
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

/** Several checkboxes as one labelled group (tiers, security schemes, scopes). */
export function CheckboxGroup(props: {
  label: string;
  options: readonly (string | { value: string; label: string })[];
  values: readonly string[];
  onChange: (v: string[]) => void;
  error?: string;
}) {
  return (
    <fieldset className={`checkbox-group${props.error ? ' has-error' : ''}`}>
      <legend>{props.label}</legend>
      {props.options.length === 0 && <span className="hint">None available</span>}
      {props.options.map((o) => {
        const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
        return (
          <Checkbox
            key={value}
            label={label}
            checked={props.values.includes(value)}
            onChange={(on) =>
              props.onChange(on ? [...props.values, value] : props.values.filter((v) => v !== value))
            }
          />
        );
      })}
      {props.error && (
        <small className="field-error" role="alert">
          {props.error}
        </small>
      )}
    </fieldset>
  );
}

/** Errors of fields that have no input of their own on the form. */
export function OtherErrors({ errors, shown }: { errors: FieldErrors | null; shown: readonly string[] }) {
  const rest = Object.entries(errors ?? {}).filter(
    ([f]) => !shown.some((s) => f === s || f.startsWith(`${s}.`)),
  );
  if (!rest.length) return null;
  return (
    <ul className="error-box" role="alert">
      {rest.map(([f, m]) => (
        <li key={f}>{m}</li>
      ))}
    </ul>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="secondary small"
      aria-label={label}
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setCopied('done'),
          () => setCopied('failed'),
        );
      }}
    >
      {copied === 'done' ? 'Copied' : copied === 'failed' ? 'Copy failed: select the text' : 'Copy'}
    </button>
  );
}

/** Links styled as tabs, for the sub-pages of one resource. */
export function TabLinks({
  label,
  tabs,
}: {
  label: string;
  tabs: readonly { to: string; label: string; end?: boolean }[];
}) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <NavLink key={t.to} to={t.to} end={t.end}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}

/** A status in words (from its table in labels.ts); the raw value picks the badge's colour. */
export function StatusBadge<T extends string>({
  status,
  labels,
}: {
  status: string;
  /** the words for each value; without it the value is shown as it is (already words) */
  labels?: Labels<T>;
}) {
  return (
    <span className={`badge badge-${status.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
      {labels ? labelOf(labels, status) : status}
    </span>
  );
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A list typed as text: items separated by commas or new lines. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

export const PAGE_SIZE = 20;

export function Pager({
  offset,
  total,
  onGo,
}: {
  offset: number;
  total: number;
  onGo: (offset: number) => void;
}) {
  if (total <= PAGE_SIZE) return null;
  return (
    <nav className="row" aria-label="Pages">
      <button
        type="button"
        className="secondary small"
        disabled={offset === 0}
        onClick={() => onGo(Math.max(0, offset - PAGE_SIZE))}
      >
        Previous
      </button>
      <span className="muted">
        {offset + 1}–{Math.min(offset + PAGE_SIZE, total)} of {total}
      </span>
      <button
        type="button"
        className="secondary small"
        disabled={offset + PAGE_SIZE >= total}
        onClick={() => onGo(offset + PAGE_SIZE)}
      >
        Next
      </button>
    </nav>
  );
}

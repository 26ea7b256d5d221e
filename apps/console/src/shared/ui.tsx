/** The console's building blocks: labelled fields, the three states of server data, tables, tabs. */
import { useId, useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import { messageOf, type ListOf, type RestApi } from './api';
import { useConfirmedDelete, type Stale } from './hooks';
import { labelOf, type Labels } from './labels';
import type { FieldErrors } from './schema';

export function Page(props: { title: string; actions?: ReactNode; children: ReactNode }) {
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

/** Deletes one resource after asking "<label>?"; a failure is shown beside the button. */
export function DeleteButton(props: {
  api: RestApi;
  path: string;
  stale: readonly Stale[];
  /** the button's accessible name and the question, e.g. "Delete Petstore" */
  label: string;
  text?: string;
  /** the confirmation's question, when "<label>?" does not say enough (what else goes with it) */
  question?: string;
}) {
  const remove = useConfirmedDelete(props.api, props.stale);
  return (
    <>
      <button
        type="button"
        className="secondary small"
        aria-label={props.label}
        disabled={remove.mutation.isPending}
        onClick={() => remove.run(props.path, props.question ?? `${props.label}?`)}
      >
        {props.text ?? 'Delete'}
      </button>
      <ErrorBox error={remove.mutation.error} />
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
        <li key={f}>{f ? `${f} ${m}` : m}</li>
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

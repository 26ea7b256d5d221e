/**
 * The console's building blocks on Mantine: labelled fields, the three states of server data,
 * tables, tabs, confirmations. Pages use these rather than Mantine directly, so a field, a table or a
 * question looks and behaves the same everywhere (labels, hints, errors announced, focus handled).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import {
  Alert,
  Button,
  Checkbox as MantineCheckbox,
  Fieldset,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Paper,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
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
      <Group className="page-header" justify="space-between" wrap="wrap" gap="sm" mb="md">
        <Title order={1} id="page-title" size="h2">
          {props.title}
        </Title>
        {props.actions && (
          <Group className="page-actions" gap="xs">
            {props.actions}
          </Group>
        )}
      </Group>
      {props.children}
    </section>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <Group className="loading" role="status" aria-live="polite" gap="xs" py="sm">
      <Loader size="xs" aria-hidden="true" />
      <Text c="dimmed" size="sm">
        {what}…
      </Text>
    </Group>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <Alert className="error-box" color="red" variant="light" my="xs" p="sm">
      <Group gap="xs" wrap="wrap">
        <span>{messageOf(error)}</span>
        {onRetry && (
          <Button variant="subtle" color="red" size="compact-sm" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text className="empty" c="dimmed" py="sm">
      {children}
    </Text>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <Alert className="notice" role="status" color="green" variant="light" my="xs" p="sm">
      {children}
    </Alert>
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
 * Narrower than its columns (768 px), the table scrolls sideways in its own box, not the page.
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
        <Table.ScrollContainer minWidth={560} type="native">
          <Table aria-label={props.label} highlightOnHover verticalSpacing="xs" bg="white">
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => (
                  <Table.Th key={c.header} scope="col">
                    {c.header}
                  </Table.Th>
                ))}
                {props.actions && (
                  <Table.Th scope="col">
                    <span className="sr-only">Actions</span>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.list.map((row) => (
                <Table.Tr key={props.rowKey(row)}>
                  {columns.map((c) => (
                    <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
                  ))}
                  {props.actions && <Table.Td>{props.actions(row)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
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

/** Mantine's modal is a `dialog`; a question that interrupts is an `alertdialog` (WAI-ARIA). */
function asAlertDialog(element: HTMLElement | null) {
  element?.setAttribute('role', 'alertdialog');
}

/**
 * A modal confirmation on Mantine's Modal: focus starts on the safe button (data-autofocus) and is
 * kept inside, Escape and Cancel cancel, and focus goes back where it was once it closes.
 */
export function ConfirmDialog(props: Confirmation & { onConfirm: () => void; onCancel: () => void }) {
  return (
    <Modal.Root opened onClose={props.onCancel} centered returnFocus className="confirm-dialog">
      <Modal.Overlay />
      <Modal.Content ref={asAlertDialog}>
        <Modal.Header>
          <Modal.Title fw={700} fz="lg">
            {props.title}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <div className="confirm-effect">{props.effect}</div>
          <Group justify="flex-end" gap="xs" mt="md">
            <Button variant="default" data-autofocus onClick={props.onCancel}>
              Cancel
            </Button>
            <Button color={props.danger === false ? undefined : 'red'} onClick={props.onConfirm}>
              {props.confirm}
            </Button>
          </Group>
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
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
      <Button
        variant="outline"
        size="compact-sm"
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
      </Button>
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
    <Paper
      component="form"
      className="panel"
      withBorder
      p="md"
      mb="md"
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void props.onSubmit();
      }}
    >
      {props.title && (
        <Title order={2} size="h4" mb="sm">
          {props.title}
        </Title>
      )}
      {props.children}
      <OtherErrors errors={props.write.errors} shown={props.shown} />
      <ErrorBox error={mutation.error} />
      {props.done && mutation.isSuccess && <Notice>{props.done}</Notice>}
      <Group className="button-row" gap="xs" mt="sm">
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending && props.pending ? props.pending : props.submit}
        </Button>
        {props.secondary}
      </Group>
    </Paper>
  );
}

/** A search box that runs `onSearch` with the trimmed text. */
export function SearchForm(props: {
  label: string;
  initial: string;
  placeholder: string;
  onSearch: (text: string) => void;
}) {
  const [text, setText] = useState(props.initial);
  return (
    <form
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch(text.trim());
      }}
    >
      <Group align="flex-end" gap="sm" mb="md" wrap="nowrap">
        <TextInput
          type="search"
          label={props.label}
          value={text}
          placeholder={props.placeholder}
          onChange={(e) => setText(e.currentTarget.value)}
          style={{ flex: 1 }}
        />
        <Button type="submit">Search</Button>
      </Group>
    </form>
  );
}

interface FieldProps {
  label: string;
  error?: string;
  hint?: ReactNode;
  required?: boolean;
}

/**
 * What every field shares: label, hint and error (announced: role=alert), `has-error` on the
 * wrapper. A required field's asterisk is drawn by styles.css after the label, with an empty
 * alternative text: Mantine's own is an element inside the label, whose text it then becomes.
 */
function wrapperProps(p: FieldProps) {
  return {
    label: p.label,
    description: p.hint,
    error: p.error,
    required: p.required,
    withAsterisk: false,
    className: `field${p.required ? ' required' : ''}${p.error ? ' has-error' : ''}`,
    errorProps: { role: 'alert', className: 'field-error' },
    descriptionProps: { className: 'hint' },
    inputWrapperOrder: ['label', 'input', 'description', 'error'] as (
      'label' | 'input' | 'description' | 'error'
    )[],
  };
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
  return (
    <TextInput
      {...wrapperProps(props)}
      name={props.name}
      type={props.type ?? 'text'}
      value={props.value}
      placeholder={props.placeholder}
      min={props.min}
      readOnly={props.readOnly}
      variant={props.readOnly ? 'filled' : 'default'}
      autoComplete={props.autoComplete ?? 'off'}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      onBlur={props.onBlur}
    />
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
  return (
    <Textarea
      {...wrapperProps(props)}
      name={props.name}
      rows={props.rows ?? 4}
      value={props.value}
      ff={props.monospace ? 'monospace' : undefined}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    />
  );
}

/** A native select (Mantine's NativeSelect): the platform's own list, keyboard and screen-reader behaviour. */
export function SelectField(
  props: FieldProps & {
    value: string;
    onChange: (v: string) => void;
    options: readonly (string | { value: string; label: string })[];
    name?: string;
  },
) {
  return (
    <NativeSelect
      {...wrapperProps(props)}
      name={props.name}
      value={props.value}
      data={props.options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o))}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    />
  );
}

/** A checkbox with its label right beside it. */
export function Checkbox(props: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  name?: string;
}) {
  return (
    <MantineCheckbox
      className="checkbox"
      my={4}
      label={props.label}
      name={props.name}
      checked={props.checked}
      onChange={(e) => props.onChange(e.currentTarget.checked)}
    />
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
    <Fieldset
      className={`checkbox-group${props.error ? ' has-error' : ''}`}
      legend={props.label}
      p="sm"
      mb="sm"
    >
      {props.options.length === 0 && (
        <Text className="hint" c="dimmed" size="sm">
          None available
        </Text>
      )}
      <div className="checkbox-grid">
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
      </div>
      {props.error && (
        <Text className="field-error" role="alert" c="red.8" size="sm">
          {props.error}
        </Text>
      )}
    </Fieldset>
  );
}

/** Errors of fields that have no input of their own on the form. */
export function OtherErrors({ errors, shown }: { errors: FieldErrors | null; shown: readonly string[] }) {
  const rest = Object.entries(errors ?? {}).filter(
    ([f]) => !shown.some((s) => f === s || f.startsWith(`${s}.`)),
  );
  if (!rest.length) return null;
  return (
    <Alert className="error-box" color="red" variant="light" my="xs" p="sm">
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {rest.map(([f, m]) => (
          <li key={f}>{m}</li>
        ))}
      </ul>
    </Alert>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  return (
    <Button
      variant="outline"
      size="compact-sm"
      aria-label={label}
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setCopied('done'),
          () => setCopied('failed'),
        );
      }}
    >
      {copied === 'done' ? 'Copied' : copied === 'failed' ? 'Copy failed: select the text' : 'Copy'}
    </Button>
  );
}

/**
 * Links styled as tabs, for the sub-pages of one resource. They stay on one row: more than fit
 * scroll sideways (styles.css `.tabs`) instead of wrapping to a second row.
 */
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
  // colours in styles.css (.badge-<status>), chosen for contrast on their background
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
    <Group component="nav" aria-label="Pages" gap="sm" my="sm">
      <Button
        variant="outline"
        size="compact-sm"
        disabled={offset === 0}
        onClick={() => onGo(Math.max(0, offset - PAGE_SIZE))}
      >
        Previous
      </Button>
      <Text c="dimmed" size="sm">
        {offset + 1}–{Math.min(offset + PAGE_SIZE, total)} of {total}
      </Text>
      <Button
        variant="outline"
        size="compact-sm"
        disabled={offset + PAGE_SIZE >= total}
        onClick={() => onGo(offset + PAGE_SIZE)}
      >
        Next
      </Button>
    </Group>
  );
}

/**
 * The audit log: who changed what and when, filtered by actor, entity and period, a page at a
 * time; each entry opens to the row's fields before and after: a creation's or deletion's whole
 * row, an update's changed fields only. The actor is a user's name, or system:... for a change
 * the product made by itself (sign-up, lockouts, a workflow decision without its admin).
 */
import { useState, type FormEvent } from 'react';
import type { ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { formatDate, ListTable, Page, PAGE_SIZE, Pager, SelectField, TextField } from '../shared/ui';
import type { Admin, Complete } from '@apim/rest-contract';

type Entry = Complete<Admin.AuditLogEntry>;

/** The audited tables (migration audit_row_changes), as the filter offers them. */
const ENTITY_TYPES = [
  { value: '', label: 'All entities' },
  { value: 'api', label: 'APIs' },
  { value: 'api_operation', label: 'API operations' },
  { value: 'api_revision', label: 'API revisions' },
  { value: 'revision_deployment', label: 'Revision deployments' },
  { value: 'api_document', label: 'API documents' },
  { value: 'api_client_certificate', label: 'Client certificates' },
  { value: 'scope', label: 'Scopes' },
  { value: 'application', label: 'Applications' },
  { value: 'application_key', label: 'Application keys' },
  { value: 'api_key', label: 'API keys' },
  { value: 'subscription', label: 'Subscriptions' },
  { value: 'throttling_policy', label: 'Rate-limit policies' },
  { value: 'conditional_group', label: 'Policy conditional groups' },
  { value: 'deny_policy', label: 'Deny policies' },
  { value: 'gateway_environment', label: 'Gateway environments' },
  { value: 'trusted_issuer', label: 'Key managers' },
  { value: 'external_authorizer', label: 'External authorizers' },
  { value: 'user_account', label: 'Users' },
  { value: 'user_role', label: 'User roles' },
  { value: 'role', label: 'Roles' },
  { value: 'workflow', label: 'Workflows' },
  { value: 'system_setting', label: 'Settings' },
] as const;

const OPERATION_LABELS: Record<Entry['operation'], string> = {
  INSERT: 'Created',
  UPDATE: 'Changed',
  DELETE: 'Deleted',
};

interface Filters {
  actor: string;
  entityType: string;
  entityId: string;
  /** datetime-local values (the browser's time zone) */
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { actor: '', entityType: '', entityId: '', from: '', to: '' };

const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);
// styled here rather than in the shared stylesheet: no other page shows a diff
const CHANGED_ROW = { background: 'var(--mantine-color-yellow-1)' };
const CODE_CELL = { whiteSpace: 'pre-wrap', wordBreak: 'break-all' } as const;
const shown = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 1));

/**
 * The row's fields before and after. An update's entry holds only the fields it changed, so each
 * is marked, a secret too (shown "[hidden]" on both sides: what it holds is never logged).
 */
function ChangeDiff({ entry }: { entry: Entry }) {
  const before = (entry.before ?? {}) as Record<string, unknown>;
  const after = (entry.after ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = entry.operation === 'UPDATE';
  return (
    <table className="audit-diff" aria-label={`Change ${entry.id}: before and after`}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f} style={changed ? CHANGED_ROW : undefined}>
            <th scope="row">
              {f}
              {changed && <em> (changed)</em>}
            </th>
            <td>
              <code style={CODE_CELL}>{entry.before ? shown(before[f]) : ''}</code>
            </td>
            <td>
              <code style={CODE_CELL}>{entry.after ? shown(after[f]) : ''}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AuditLogPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const list = useRest<ListOf<Entry>>('admin', '/audit-logs', {
    actor: filters.actor || undefined,
    entityType: filters.entityType || undefined,
    entityId: filters.entityId || undefined,
    from: isoOf(filters.from),
    to: isoOf(filters.to),
    limit: PAGE_SIZE,
    offset,
  });
  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ ...draft, actor: draft.actor.trim(), entityId: draft.entityId.trim() });
    setOffset(0);
    setOpen(null);
  };
  const entry = list.data?.list.find((e) => e.id === open);
  return (
    <Page title="Audit log">
      <form className="row audit-filters" onSubmit={apply} aria-label="Audit log filters">
        <TextField
          label="User"
          value={draft.actor}
          onChange={set('actor')}
          placeholder="user name or system:key-manager"
        />
        <SelectField
          label="Entity"
          value={draft.entityType}
          options={ENTITY_TYPES}
          onChange={set('entityType')}
        />
        <TextField label="Entity id" value={draft.entityId} onChange={set('entityId')} />
        <TextField label="From" type="datetime-local" value={draft.from} onChange={set('from')} />
        <TextField label="Until" type="datetime-local" value={draft.to} onChange={set('to')} />
        <button type="submit">Filter</button>
      </form>
      <ListTable
        query={list}
        what="audit log"
        label="Audit log entries"
        empty="No change matches these filters."
        rowKey={(e) => e.id}
        columns={[
          { header: 'Time', cell: (e) => formatDate(e.time) },
          { header: 'User', cell: (e) => e.actor ?? '(not a user)' },
          { header: 'Operation', cell: (e) => e.action },
          { header: 'Change', cell: (e) => OPERATION_LABELS[e.operation] },
          {
            header: 'Entity',
            cell: (e) =>
              `${ENTITY_TYPES.find((t) => t.value === e.entityType)?.label ?? e.entityType} ${e.entityId ?? ''}`,
          },
          { header: 'From', cell: (e) => e.sourceIp ?? '' },
        ]}
        actions={(e) => (
          <button
            type="button"
            className="secondary small"
            aria-expanded={open === e.id}
            onClick={() => setOpen(open === e.id ? null : e.id)}
          >
            {open === e.id ? 'Hide change' : 'Show change'}
          </button>
        )}
      />
      <Pager offset={offset} total={list.data?.pagination?.total ?? 0} onGo={setOffset} />
      {entry && (
        <section aria-label="Change details">
          <h2>
            {OPERATION_LABELS[entry.operation]} by {entry.actor ?? '(not a user)'} at {formatDate(entry.time)}
          </h2>
          <p>
            {entry.method} {entry.path}
          </p>
          <ChangeDiff entry={entry} />
        </section>
      )}
    </Page>
  );
}

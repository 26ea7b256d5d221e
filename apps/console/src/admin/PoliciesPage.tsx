/**
 * Subscription, application and advanced rate-limit policies (WSO2's shapes): a request count or
 * bandwidth per time window, burst control for subscription tiers, conditional groups for advanced.
 */
import { useState } from 'react';
import { useParams } from 'react-router';
import type { ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { DeleteButton, ListTable, Page } from '../shared/ui';
import { limitText } from './conditions';
import { PolicyForm } from './PolicyForm';
import { pathOf, TITLES, type Level, type Policy } from './policy-levels';

export function PoliciesPage() {
  const { level = 'subscription' } = useParams();
  const lvl: Level = level === 'application' || level === 'advanced' ? level : 'subscription';
  const path = pathOf(lvl);
  const policies = useRest<ListOf<Policy>>('admin', path);
  const [editing, setEditing] = useState<Policy | null>(null);
  return (
    <Page title={TITLES[lvl]}>
      <ListTable
        query={policies}
        what="policies"
        empty="No policies."
        rowKey={(p) => p.policyId}
        columns={[
          { header: 'Name', cell: (p) => p.displayName ?? p.policyName },
          { header: 'Limit', cell: (p) => limitText(p.defaultLimit) },
          lvl === 'subscription' && {
            header: 'Burst',
            cell: (p) => (p.rateLimitCount ? `${p.rateLimitCount}/${p.rateLimitTimeUnit}` : ''),
          },
          lvl === 'advanced' && {
            header: 'Conditional groups',
            cell: (p) =>
              (p.conditionalGroups ?? []).map((g, i) => (
                <div key={i}>
                  {g.description || `Group ${i + 1}`}: {limitText(g.limit)}
                </div>
              )),
          },
          { header: 'Description', cell: (p) => p.description },
        ]}
        actions={(p) => (
          <div className="row">
            <button
              type="button"
              className="secondary small"
              aria-label={`Edit ${p.policyName}`}
              onClick={() => setEditing(p)}
            >
              Edit
            </button>
            <DeleteButton
              api="admin"
              path={`${path}/${p.policyId}`}
              stale={[['admin', path]]}
              label={`Delete ${p.policyName}`}
              question={`Delete the policy ${p.policyName}?`}
              effect="It can no longer be chosen. This cannot be undone."
            />
          </div>
        )}
      />
      {editing ? (
        <PolicyForm
          key={`${lvl}:${editing.policyId}`}
          level={lvl}
          editing={editing}
          onDone={() => setEditing(null)}
        />
      ) : (
        <PolicyForm key={lvl} level={lvl} />
      )}
    </Page>
  );
}

/** Pending approvals (application creation, subscriptions, tier changes): approve or reject each. */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { ErrorBox, formatDate, ListTable, Notice, Page, SelectField } from '../shared/ui';
import type { Admin, Complete } from '@apim/rest-contract';
import { labelOf, optionsOf, WORKFLOW_TYPE_LABELS } from '../shared/labels';

const TYPES = [{ value: '', label: 'All types' }, ...optionsOf(WORKFLOW_TYPE_LABELS)];

function describe(w: Complete<Admin.WorkflowInfo>): string {
  const p = (w.properties ?? {}) as Record<string, unknown>;
  const parts = ['apiName', 'apiVersion', 'applicationName', 'throttlingPolicy', 'subscriber', 'userName']
    .filter((k) => p[k] !== undefined && p[k] !== '')
    .map((k) => `${k}: ${String(p[k])}`);
  return w.description || parts.join(', ');
}

export function WorkflowsPage() {
  const [type, setType] = useState('');
  const list = useRest<ListOf<Complete<Admin.WorkflowInfo>>>('admin', '/workflows', {
    workflowType: type || undefined,
    limit: 100,
  });
  const decide = useRestMutation(
    ({ w, status }: { w: Complete<Admin.WorkflowInfo>; status: 'APPROVED' | 'REJECTED' }) =>
      request('admin', '/workflows/update-workflow-status', {
        query: { workflowReferenceId: w.externalWorkflowReference },
        json: {
          status,
          description: status === 'APPROVED' ? 'Approved in the console' : 'Rejected in the console',
        },
      }),
    { stale: [['admin', '/workflows']] },
  );
  return (
    <Page title="Workflow approvals">
      <SelectField label="Workflow type" value={type} options={TYPES} onChange={setType} />
      <ListTable
        query={list}
        what="pending requests"
        empty="No requests are waiting for approval."
        rowKey={(w) => w.externalWorkflowReference}
        columns={[
          {
            header: 'Type',
            cell: (w) => labelOf(WORKFLOW_TYPE_LABELS, w.workflowType),
          },
          { header: 'Request', cell: describe },
          { header: 'Created', cell: (w) => formatDate(w.createdTime) },
          {
            header: 'Decision',
            cell: (w) => (
              <>
                <button
                  type="button"
                  className="small"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ w, status: 'APPROVED' })}
                >
                  Approve
                </button>{' '}
                <button
                  type="button"
                  className="danger small"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ w, status: 'REJECTED' })}
                >
                  Reject
                </button>
              </>
            ),
          },
        ]}
      />
      <ErrorBox error={decide.error} />
      {decide.isSuccess && (
        <Notice>The request was {decide.variables?.status === 'APPROVED' ? 'approved' : 'rejected'}.</Notice>
      )}
    </Page>
  );
}

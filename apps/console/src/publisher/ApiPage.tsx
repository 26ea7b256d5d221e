/** One API in the publisher: a header (with Delete) and a tab per group of settings. */
import { Navigate, Route, Routes, useNavigate, useParams } from 'react-router';
import { request } from '../shared/api';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRest } from '../shared/hooks';
import { useNotify } from '../shared/notify';
import { ErrorBox, Page, QueryView, StatusBadge, TabLinks, useConfirm } from '../shared/ui';
import { DefinitionTab } from './DefinitionTab';
import { DeploymentsTab } from './DeploymentsTab';
import { DocumentsTab } from './DocumentsTab';
import { LifecycleTab } from './LifecycleTab';
import { ResourcesTab } from './ResourcesTab';
import { ScopesTab } from './ScopesTab';
import { EndpointsTab, OverviewTab, RuntimeTab, SecurityTab, TiersTab } from './SettingsTabs';
import { VersionsTab } from './VersionsTab';
import type { Complete, Publisher } from '@apim/rest-contract';
import { LIFECYCLE_STATE_LABELS } from '../shared/labels';

const TABS = [
  { to: 'overview', label: 'Overview' },
  { to: 'resources', label: 'Resources' },
  { to: 'endpoints', label: 'Endpoints' },
  { to: 'security', label: 'Security & CORS' },
  { to: 'runtime', label: 'Runtime' },
  { to: 'tiers', label: 'Tiers' },
  { to: 'scopes', label: 'Scopes' },
  { to: 'lifecycle', label: 'Lifecycle' },
  { to: 'deployments', label: 'Revisions & deployments' },
  { to: 'versions', label: 'Versions' },
  { to: 'definition', label: 'Definition' },
  { to: 'documents', label: 'Documents' },
];

/**
 * Deletes the API once the publisher confirms. The control plane refuses while applications are
 * subscribed, saying how many; that answer is shown beside the button.
 */
function DeleteApi({ api }: { api: Complete<Publisher.API> }) {
  const navigate = useNavigate();
  const notify = useNotify();
  const confirm = useConfirm();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => request('publisher', `/apis/${api.id}`, { method: 'DELETE' }),
    onSuccess: async () => {
      // the API's own reads are dropped, not fetched again (they would answer 404); the list is
      await navigate('/publisher/apis');
      client.removeQueries({ predicate: (q) => String(q.queryKey[1]).startsWith(`/apis/${api.id}`) });
      await client.invalidateQueries({ queryKey: ['publisher', '/apis'] });
      notify({ message: `${api.name} ${api.version} deleted.` });
    },
  });
  return (
    <>
      <button
        type="button"
        className="danger small"
        disabled={remove.isPending}
        onClick={() =>
          confirm.ask(
            {
              title: `Delete ${api.name} ${api.version}?`,
              effect:
                'Every gateway stops serving it at once, and it leaves the developer portal with its revisions and documents. This cannot be undone.',
              confirm: 'Delete API',
            },
            () => remove.mutate(),
          )
        }
      >
        Delete API
      </button>
      {confirm.dialog}
      <ErrorBox error={remove.error} />
    </>
  );
}

export function ApiPage() {
  const { apiId = '' } = useParams();
  const query = useRest<Complete<Publisher.API>>('publisher', `/apis/${apiId}`);
  return (
    <QueryView query={query} what="the API">
      {(api) => (
        <Page
          title={`${api.name} ${api.version}`}
          actions={
            <span>
              <code>{api.context}</code>{' '}
              <StatusBadge status={api.lifeCycleStatus} labels={LIFECYCLE_STATE_LABELS} />{' '}
              <DeleteApi api={api} />
            </span>
          }
        >
          <TabLinks
            label="API settings"
            tabs={TABS.map((t) => ({ ...t, to: `/publisher/apis/${api.id}/${t.to}` }))}
          />
          <Routes>
            <Route index element={<Navigate to="overview" replace />} />
            <Route path="overview" element={<OverviewTab api={api} />} />
            <Route path="resources" element={<ResourcesTab api={api} />} />
            <Route path="endpoints" element={<EndpointsTab api={api} />} />
            <Route path="security" element={<SecurityTab api={api} />} />
            <Route path="runtime" element={<RuntimeTab api={api} />} />
            <Route path="tiers" element={<TiersTab api={api} />} />
            <Route path="scopes" element={<ScopesTab api={api} />} />
            <Route path="lifecycle" element={<LifecycleTab api={api} />} />
            <Route path="deployments" element={<DeploymentsTab api={api} />} />
            <Route path="versions" element={<VersionsTab api={api} />} />
            <Route path="definition" element={<DefinitionTab api={api} />} />
            <Route path="documents" element={<DocumentsTab api={api} />} />
          </Routes>
        </Page>
      )}
    </QueryView>
  );
}

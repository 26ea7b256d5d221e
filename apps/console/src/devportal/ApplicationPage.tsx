/** One application: overview (and edit), OAuth keys per key type, API keys and subscriptions. */
import { Navigate, Route, Routes, useNavigate, useParams } from 'react-router';
import { request } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { ErrorBox, Page, QueryView, StatusBadge, TabLinks, useConfirm } from '../shared/ui';
import { ApiKeysTab } from './ApiKeysTab';
import { EditApplication, EditOAuthClients } from './ApplicationEdit';
import { KeysTab } from './KeysTab';
import { SubscriptionsTab } from './SubscriptionsTab';
import type { Complete, Devportal } from '@apim/rest-contract';
import { APPLICATION_STATUS_LABELS } from '../shared/labels';

function Overview({ app }: { app: Complete<Devportal.Application> }) {
  return (
    <>
      <Summary app={app} />
      <EditApplication key={app.updatedTime} app={app} />
      <EditOAuthClients app={app} />
    </>
  );
}

function Summary({ app }: { app: Complete<Devportal.Application> }) {
  const navigate = useNavigate();
  const confirm = useConfirm();
  const remove = useRestMutation(
    () => request('devportal', `/applications/${app.applicationId}`, { method: 'DELETE' }),
    {
      stale: [['devportal', '/applications']],
      onSuccess: () => navigate('/devportal/applications'),
    },
  );
  return (
    <div className="panel">
      <dl className="kv">
        <dt>Rate limit</dt>
        <dd>{app.throttlingPolicy}</dd>
        <dt>Token type</dt>
        <dd>{app.tokenType ?? 'JWT'}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={app.status} labels={APPLICATION_STATUS_LABELS} />
        </dd>
        <dt>Owner</dt>
        <dd>{app.owner}</dd>
        <dt>Description</dt>
        <dd>{app.description}</dd>
      </dl>
      <ErrorBox error={remove.error} />
      <p>
        <button
          type="button"
          className="danger small"
          disabled={remove.isPending}
          onClick={() =>
            confirm.ask(
              {
                title: `Delete the application ${app.name}?`,
                effect:
                  'Its keys, tokens, API keys and subscriptions go with it: calls made with them are refused at once. This cannot be undone.',
                confirm: 'Delete application',
              },
              () => remove.mutate(),
            )
          }
        >
          Delete application
        </button>
      </p>
      {confirm.dialog}
    </div>
  );
}

export function ApplicationPage() {
  const { applicationId = '' } = useParams();
  const app = useRest<Complete<Devportal.Application>>('devportal', `/applications/${applicationId}`);
  const base = `/devportal/applications/${applicationId}`;
  return (
    <QueryView query={app} what="the application">
      {(a) => (
        <Page title={a.name}>
          <TabLinks
            label="Application"
            tabs={[
              { to: `${base}/overview`, label: 'Overview' },
              { to: `${base}/production-keys`, label: 'Production keys' },
              { to: `${base}/sandbox-keys`, label: 'Sandbox keys' },
              { to: `${base}/api-keys`, label: 'API keys' },
              { to: `${base}/subscriptions`, label: 'Subscriptions' },
            ]}
          />
          <Routes>
            <Route index element={<Navigate to="overview" replace />} />
            <Route path="overview" element={<Overview app={a} />} />
            <Route
              path="production-keys"
              element={<KeysTab key="PRODUCTION" app={a} keyType="PRODUCTION" />}
            />
            <Route path="sandbox-keys" element={<KeysTab key="SANDBOX" app={a} keyType="SANDBOX" />} />
            <Route path="api-keys" element={<ApiKeysTab app={a} />} />
            <Route path="subscriptions" element={<SubscriptionsTab app={a} />} />
          </Routes>
        </Page>
      )}
    </QueryView>
  );
}

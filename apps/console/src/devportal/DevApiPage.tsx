/**
 * One API in the developer portal: overview and subscription, its reference and try-it (Swagger UI,
 * loaded lazily; a GraphQL or async API's are on its own page, linked from here).
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, Navigate, Route, Routes, useParams } from 'react-router';
import { Scopes } from '@apim/contracts';
import { hasScope, useSession } from '../shared/auth';
import { request, type ListOf } from '../shared/api';
import { useConfig } from '../shared/config-context';
import { useRest, useRestMutation } from '../shared/hooks';
import { SignInButton } from '../shared/session-pages';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import {
  ErrorBox,
  Loading,
  Notice,
  OtherErrors,
  Page,
  QueryView,
  SelectField,
  StatusBadge,
  TabLinks,
} from '../shared/ui';
import { presentDefinition, scopesByOperation } from './openapi-view';
import { credentialKey, TryItCredential, useTryItCredentials } from './TryItCredential';
import { ApiDocuments } from './ApiDocuments';
import { ApiTypeBadge, definitionPage } from './api-types';
import type { Complete, Devportal } from '@apim/rest-contract';
import { labelOf, SECURITY_SCHEME_LABELS, SUBSCRIPTION_STATUS_LABELS } from '../shared/labels';
import { useNotify } from '../shared/notify';

// Swagger UI is large: loaded when a REST API's reference or try-it is opened, not with the console.
const ApiReference = lazy(() => import('./ApiReference'));

type Doc = Record<string, unknown>;

/** The gateway URL of the API: from its deployments, else the configured gateway. */
export function gatewayBaseUrl(api: Complete<Devportal.API>, gatewayUrl: string): string {
  const urls = api.endpointURLs?.[0]?.URLs;
  // The scheme of this page: a page on https cannot call http, and http is what a plain setup has.
  const fromDeployment =
    window.location.protocol === 'https:' ? (urls?.https ?? urls?.http) : (urls?.http ?? urls?.https);
  return (fromDeployment ?? `${gatewayUrl}${api.context}/${api.version}`).replace(/\/+$/, '');
}

function SubscribeForm({ api }: { api: Complete<Devportal.API> }) {
  const apps = useRest<ListOf<Complete<Devportal.Application>>>('devportal', '/applications', { limit: 100 });
  const subs = useRest<ListOf<Complete<Devportal.Subscription>>>('devportal', '/subscriptions', {
    apiId: api.id,
    limit: 100,
  });
  const check = useBodyCheck('devportal', 'subscriptionsPost');
  const tiers = (api.tiers ?? []).map((t) => t.tierName);
  const [appId, setAppId] = useState('');
  const [tier, setTier] = useState('');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const notify = useNotify();
  const subscribe = useRestMutation(
    (body: object) =>
      request<Complete<Devportal.Subscription>>('devportal', '/subscriptions', { json: body }),
    {
      stale: [
        ['devportal', '/subscriptions'],
        ['devportal', '/applications'],
      ],
      onSuccess: (s: Complete<Devportal.Subscription>) =>
        notify(
          s.status === 'ON_HOLD'
            ? { message: 'Subscription requested: it is waiting for an administrator’s approval.' }
            : {
                message: `Subscribed on ${s.throttlingPolicy}.`,
                next: {
                  label: 'Next: generate keys',
                  to: `/devportal/applications/${s.applicationId}/production-keys`,
                },
              },
        ),
    },
  );
  const subscribed = new Set((subs.data?.list ?? []).map((s) => s.applicationId));
  const candidates = (apps.data?.list ?? []).filter((a) => !subscribed.has(a.applicationId));
  const chosenApp = appId || candidates[0]?.applicationId || '';
  const chosenTier = tier || tiers[0] || '';
  return (
    <form
      className="panel"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const body = { apiId: api.id, applicationId: chosenApp, throttlingPolicy: chosenTier };
        const found = check(body);
        setErrors(found);
        if (!found) subscribe.mutate(body);
      }}
    >
      <h2>Subscribe</h2>
      {subs.data && subs.data.list.length > 0 && (
        <ul>
          {subs.data.list.map((s) => (
            <li key={s.subscriptionId}>
              <Link to={`/devportal/applications/${s.applicationId}/subscriptions`}>
                {apps.data?.list.find((a) => a.applicationId === s.applicationId)?.name ?? s.applicationId}
              </Link>{' '}
              on {s.throttlingPolicy} <StatusBadge status={s.status} labels={SUBSCRIPTION_STATUS_LABELS} />
              {s.status === 'ON_HOLD' && <span className="muted"> awaiting approval</span>}
            </li>
          ))}
        </ul>
      )}
      {subscribe.data && (
        <Notice>
          {subscribe.data.status === 'ON_HOLD'
            ? 'Subscription requested: it is waiting for an administrator’s approval.'
            : `Subscribed on ${subscribe.data.throttlingPolicy}.`}
        </Notice>
      )}
      <QueryView
        query={apps}
        what="your applications"
        isEmpty={(d) => d.list.length === 0}
        empty={
          <>
            You have no applications yet. <Link to="/devportal/applications">Create one</Link> to subscribe.
          </>
        }
      >
        {() =>
          candidates.length === 0 ? (
            <p className="muted">All your applications are subscribed to this API.</p>
          ) : (
            <>
              <div className="row">
                <SelectField
                  label="Application"
                  value={chosenApp}
                  error={errors?.applicationId}
                  options={candidates.map((a) => ({ value: a.applicationId, label: a.name }))}
                  onChange={setAppId}
                />
                <SelectField
                  label="Tier"
                  value={chosenTier}
                  error={errors?.throttlingPolicy}
                  options={tiers}
                  onChange={setTier}
                />
              </div>
              <OtherErrors errors={errors} shown={['applicationId', 'throttlingPolicy']} />
              <ErrorBox error={subscribe.error} />
              <button type="submit" disabled={subscribe.isPending || !chosenApp || !chosenTier}>
                Subscribe
              </button>
            </>
          )
        }
      </QueryView>
    </form>
  );
}

function Overview({ api }: { api: Complete<Devportal.API> }) {
  const session = useSession();
  const config = useConfig();
  return (
    <>
      <div className="panel">
        {api.description && <p>{api.description}</p>}
        <dl className="kv">
          <dt>Provider</dt>
          <dd>{api.provider}</dd>
          <dt>Gateway URL</dt>
          <dd>
            <code>{gatewayBaseUrl(api, config.gatewayUrl)}</code>
          </dd>
          {(api.endpointURLs ?? []).map((e) => (
            <div key={e.environmentName} style={{ display: 'contents' }}>
              <dt>{e.environmentDisplayName ?? e.environmentName}</dt>
              <dd>
                {[e.URLs.http, e.URLs.https].filter(Boolean).map((u) => (
                  <div key={u}>
                    <code>{u}</code>
                  </div>
                ))}
              </dd>
            </div>
          ))}
          <dt>Tiers</dt>
          <dd>{(api.tiers ?? []).map((t) => t.tierName).join(', ')}</dd>
          <dt>Security</dt>
          <dd>{(api.securityScheme ?? []).map((s) => labelOf(SECURITY_SCHEME_LABELS, s)).join(', ')}</dd>
        </dl>
      </div>
      <ApiDocuments apiId={api.id} />
      {hasScope(session, Scopes.subscribe) ? (
        <SubscribeForm api={api} />
      ) : (
        <div className="panel">
          <p>Sign in to subscribe to this API.</p>
          {!session && <SignInButton />}
        </div>
      )}
    </>
  );
}

/** A REST API's OpenAPI document, read once and shown by Swagger UI as its reference and try-it. */
function RestDefinition({ api, view }: { api: Complete<Devportal.API>; view: 'documentation' | 'try-it' }) {
  const config = useConfig();
  const doc = useRest<Doc>('devportal', `/apis/${api.id}/swagger`);
  const serverUrl = gatewayBaseUrl(api, config.gatewayUrl);
  const shown = useMemo(
    () =>
      doc.data &&
      presentDefinition(doc.data, {
        serverUrl,
        authorizationHeader: api.authorizationHeader || 'Authorization',
        apiKeyHeader: (api.securityScheme ?? []).includes('api_key')
          ? api.apiKeyHeader || 'apikey'
          : undefined,
        scopes: scopesByOperation(api),
      }),
    [doc.data, serverUrl, api],
  );
  return (
    <QueryView query={doc} what="the definition">
      {() =>
        view === 'try-it' ? (
          <TryIt api={api} shown={shown!} />
        ) : (
          <Suspense fallback={<Loading what="Loading the API reference" />}>
            <ApiReference doc={shown!} credential={null} tryIt={false} />
          </Suspense>
        )
      }
    </QueryView>
  );
}

/** Try-it: the reference with "Try it out", sending the credential chosen or generated above it. */
function TryIt({ api, shown }: { api: Complete<Devportal.API>; shown: Doc }) {
  const session = useSession();
  const credentials = useTryItCredentials(api);
  const [credKey, setCredKey] = useState('');
  const chosen = credentials.usable.find((c) => credentialKey(c) === credKey) ?? credentials.usable[0];
  return (
    <>
      {session ? (
        <TryItCredential api={api} credentials={credentials} chosen={chosen} onChoose={setCredKey} />
      ) : (
        <div className="panel">
          <p>Sign in to call this API with a token of your application.</p>
          <SignInButton />
        </div>
      )}
      <Suspense fallback={<Loading what="Loading try-it" />}>
        <ApiReference doc={shown} credential={chosen ?? null} tryIt />
      </Suspense>
    </>
  );
}

export function DevApiPage() {
  const { apiId = '' } = useParams();
  const api = useRest<Complete<Devportal.API>>('devportal', `/apis/${apiId}`);
  return (
    <QueryView query={api} what="the API">
      {(a) => {
        // GraphQL and async APIs are described on a page of their own, not by an OpenAPI document.
        const own = definitionPage(a);
        const definitionTab = (view: 'documentation' | 'try-it') =>
          own ? <Navigate to={own.to} replace /> : <RestDefinition api={a} view={view} />;
        return (
          <Page
            title={`${a.name} ${a.version}`}
            actions={
              <>
                <ApiTypeBadge api={a} />
                <code>{a.context}</code>
              </>
            }
          >
            <TabLinks
              label="API"
              tabs={[
                { to: `/devportal/apis/${a.id}/overview`, label: 'Overview' },
                ...(own
                  ? [own]
                  : [
                      { to: `/devportal/apis/${a.id}/documentation`, label: 'Documentation' },
                      { to: `/devportal/apis/${a.id}/try-it`, label: 'Try it' },
                    ]),
              ]}
            />
            <Routes>
              <Route index element={<Navigate to="overview" replace />} />
              <Route path="overview" element={<Overview api={a} />} />
              <Route path="documentation" element={definitionTab('documentation')} />
              <Route path="try-it" element={definitionTab('try-it')} />
            </Routes>
          </Page>
        );
      }}
    </QueryView>
  );
}

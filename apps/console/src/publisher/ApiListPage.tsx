import { Link, useSearchParams } from 'react-router';
import type { ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { Page, SearchForm, Pager, PAGE_SIZE, QueryView, StatusBadge } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';
import { LIFECYCLE_STATE_LABELS } from '../shared/labels';

/** Every API, searchable with WSO2's syntax (name:, context:, tag:, status:, provider:, version:). */
export function ApiListPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('query') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const apis = useRest<ListOf<Complete<Publisher.APIInfo>>>('publisher', '/apis', {
    query,
    limit: PAGE_SIZE,
    offset,
  });
  const go = (next: { query?: string; offset?: number }) => {
    const q = next.query ?? query;
    const o = next.offset ?? 0;
    setParams(
      Object.fromEntries(Object.entries({ query: q, offset: o ? String(o) : '' }).filter(([, v]) => v)),
    );
  };
  return (
    <Page
      title="APIs"
      actions={
        <>
          <Link className="button" to="/publisher/apis/create">
            Create API
          </Link>
          <Link className="button secondary" to="/publisher/apis/import">
            Import OpenAPI
          </Link>
        </>
      }
    >
      <SearchForm
        label="Search APIs"
        initial={query}
        placeholder="name, or context:/pets tag:animals status:PUBLISHED"
        onSearch={(text) => go({ query: text })}
      />
      <QueryView
        query={apis}
        what="APIs"
        isEmpty={(d) => d.list.length === 0}
        empty={
          query ? `No API matches “${query}”.` : 'No APIs yet: create one or import an OpenAPI document.'
        }
      >
        {(data) => (
          <>
            <table>
              <caption className="muted" style={{ textAlign: 'left' }}>
                {data.pagination?.total ?? data.count} APIs
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Version</th>
                  <th scope="col">Context</th>
                  <th scope="col">Status</th>
                  <th scope="col">Provider</th>
                </tr>
              </thead>
              <tbody>
                {data.list.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/publisher/apis/${a.id}`}>{a.name}</Link>
                      {a.isDefaultVersion && <span className="muted"> (default)</span>}
                    </td>
                    <td>{a.version}</td>
                    <td>
                      <code>{a.context}</code>
                    </td>
                    <td>
                      <StatusBadge status={a.lifeCycleStatus} labels={LIFECYCLE_STATE_LABELS} />
                    </td>
                    <td>{a.provider}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              offset={offset}
              total={data.pagination?.total ?? data.count}
              onGo={(o) => go({ offset: o })}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}

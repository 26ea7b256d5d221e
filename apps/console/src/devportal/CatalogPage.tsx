import { Link, useSearchParams } from 'react-router';
import type { ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { Page, SearchForm, Pager, PAGE_SIZE, QueryView } from '../shared/ui';
import type { Complete, Devportal } from '@apim/rest-contract';
import { ApiTypeBadge } from './api-types';

/** The published APIs, searchable, filtered by tag. */
export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('query') ?? '';
  const tag = params.get('tag') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const fullQuery = [query, tag ? `tag:${tag}` : ''].filter(Boolean).join(' ');
  const apis = useRest<ListOf<Complete<Devportal.APIInfo>>>('devportal', '/apis', {
    query: fullQuery,
    limit: PAGE_SIZE,
    offset,
  });
  // The tags of the APIs found (and the one chosen), to narrow the search further.
  const tags = [
    ...new Set([...(tag ? [tag] : []), ...(apis.data?.list ?? []).flatMap((a) => a.tags ?? [])]),
  ].sort();
  const go = (next: Record<string, string>) =>
    setParams(Object.fromEntries(Object.entries({ query, tag, ...next }).filter(([, v]) => v)));
  return (
    <Page title="APIs">
      <SearchForm
        label="Search APIs"
        initial={query}
        placeholder="Name, or context:/pets"
        onSearch={(text) => go({ query: text, offset: '' })}
      />
      {tags.length > 0 && (
        <nav className="row" aria-label="Tags" style={{ marginBottom: 12 }}>
          <button
            type="button"
            className={tag ? 'secondary small' : 'small'}
            aria-pressed={!tag}
            onClick={() => go({ tag: '', offset: '' })}
          >
            All
          </button>
          {tags.map((t) => (
            <button
              key={t}
              type="button"
              className={tag === t ? 'small' : 'secondary small'}
              aria-pressed={tag === t}
              onClick={() => go({ tag: t, offset: '' })}
            >
              {t}
            </button>
          ))}
        </nav>
      )}
      <QueryView
        query={apis}
        what="APIs"
        isEmpty={(d) => d.list.length === 0}
        empty={fullQuery ? 'No published API matches this search.' : 'No APIs are published yet.'}
      >
        {(data) => (
          <>
            <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
              {data.list.map((a) => (
                <li key={a.id} className="card">
                  <h2>
                    <Link to={`/devportal/apis/${a.id}`}>
                      {a.name} {a.version}
                    </Link>{' '}
                    <ApiTypeBadge api={a} />
                  </h2>
                  <p className="muted">
                    <code>{a.context}</code> by {a.provider}
                  </p>
                  {a.description && <p>{a.description}</p>}
                  {a.tags && a.tags.length > 0 && <p className="muted">Tags: {a.tags.join(', ')}</p>}
                </li>
              ))}
            </ul>
            <Pager
              offset={offset}
              total={data.pagination?.total ?? data.count}
              onGo={(o) => go({ offset: o ? String(o) : '' })}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}

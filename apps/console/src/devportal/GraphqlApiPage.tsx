/**
 * A GraphQL API in the developer portal: its schema (SDL) and a GraphiQL try-it through the gateway
 * with an application's token. GraphiQL (and its editor) is a chunk of its own, loaded only here.
 */
import { lazy, Suspense } from 'react';
import { Link, useParams } from 'react-router';
import { useConfig } from '../shared/config-context';
import { useRest } from '../shared/hooks';
import { Page, QueryView } from '../shared/ui';
import { gatewayBaseUrl } from './DevApiPage';
import type { Complete, Devportal } from '@apim/rest-contract';

const GraphiqlTryIt = lazy(() => import('./GraphiqlTryIt'));

export function GraphqlApiPage() {
  const { apiId = '' } = useParams();
  const config = useConfig();
  const api = useRest<Complete<Devportal.API>>('devportal', `/apis/${apiId}`);
  const schema = useRest<{ schemaDefinition: string }>('devportal', `/apis/${apiId}/graphql-schema`);
  return (
    <QueryView query={api} what="the API">
      {(a) => (
        <Page
          title={`${a.name} ${a.version}`}
          actions={<Link to={`/devportal/apis/${a.id}/overview`}>Overview and subscription</Link>}
        >
          <QueryView query={schema} what="the GraphQL schema">
            {(s) => (
              <>
                <h2>Try it</h2>
                <Suspense fallback={<p>Loading GraphiQL…</p>}>
                  <GraphiqlTryIt endpoint={gatewayBaseUrl(a, config.gatewayUrl)} />
                </Suspense>
                <details>
                  <summary>Schema (SDL)</summary>
                  <pre aria-label="GraphQL schema">{s.schemaDefinition}</pre>
                </details>
              </>
            )}
          </QueryView>
        </Page>
      )}
    </QueryView>
  );
}

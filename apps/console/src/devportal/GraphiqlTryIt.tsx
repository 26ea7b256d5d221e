/**
 * GraphiQL against the API's gateway URL, sending an application's token (one generated in this tab,
 * or pasted) as `Authorization: Bearer`. The schema comes from introspection through the gateway, as
 * the caller sees it (an API with introspection off shows none). Loaded lazily: the editor is large.
 */
import { useMemo, useState } from 'react';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { TextField } from '../shared/ui';
import { useRememberedCredentials } from './token-memory';

export default function GraphiqlTryIt({ endpoint }: { endpoint: string }) {
  const remembered = useRememberedCredentials().filter((c) => c.kind === 'oauth');
  const [token, setToken] = useState('');
  const credential = token.trim() || remembered[0]?.value || '';
  const fetcher = useMemo<GraphiQLProps['fetcher']>(
    () => async (params) => {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
        },
        body: JSON.stringify(params),
      });
      return res.json();
    },
    [endpoint, credential],
  );
  return (
    <section aria-label="Try the GraphQL API">
      <TextField
        label="Access token"
        value={token}
        onChange={setToken}
        hint={
          remembered[0]
            ? `Empty: the token generated for ${remembered[0].applicationName} in this tab`
            : 'Generate one on an application page, or paste it'
        }
      />
      <div className="graphiql-frame" style={{ height: '70vh' }}>
        <GraphiQL fetcher={fetcher} key={credential} />
      </div>
    </section>
  );
}

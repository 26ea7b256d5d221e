/** The API's OpenAPI document as the gateway and developer portal see it, and its editor. */
import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { request } from '../shared/api';
import { CopyButton, Loading, QueryView } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';

// CodeMirror and its languages load only when a definition is opened.
const DefinitionEditor = lazy(() => import('./definition-editor/DefinitionEditor'));

export function DefinitionTab({ api }: { api: Complete<Publisher.API> }) {
  const path = `/apis/${api.id}/swagger`;
  const query = { format: 'yaml' };
  // Keyed as useRest keys its reads, so a write that makes the API stale fetches it again.
  const yaml = useQuery({
    queryKey: ['publisher', path, query],
    queryFn: ({ signal }) => request<string>('publisher', path, { query, asText: true, signal }),
  });
  // A plain link would not carry the bearer token: hand the browser a blob of the text.
  const download = (text: string) => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    const a = Object.assign(document.createElement('a'), {
      href: url,
      download: `${api.name}-${api.version}.yaml`,
    });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="panel">
      <QueryView query={yaml} what="the definition">
        {(text) => (
          <>
            <div className="row">
              <CopyButton text={text} label="Copy the OpenAPI definition" />
              <button type="button" className="secondary small" onClick={() => download(text)}>
                Download YAML
              </button>
            </div>
            <Suspense fallback={<Loading what="Loading the editor" />}>
              {/* a new saved text (after a save) starts a new editing session */}
              <DefinitionEditor key={text} api={api} saved={text} />
            </Suspense>
          </>
        )}
      </QueryView>
    </div>
  );
}

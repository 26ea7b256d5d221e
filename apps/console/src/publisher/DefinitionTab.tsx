/** The API's OpenAPI document as the gateway and developer portal see it. */
import { request } from '../shared/api';
import { useRest } from '../shared/hooks';
import { CopyButton, QueryView } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';

export function DefinitionTab({ api }: { api: Complete<Publisher.API> }) {
  const doc = useRest<Record<string, unknown>>('publisher', `/apis/${api.id}/swagger`);
  // A plain link would not carry the bearer token: fetch, then hand the browser a blob.
  const download = async () => {
    const yaml = await request<string>('publisher', `/apis/${api.id}/swagger`, {
      query: { format: 'yaml' },
      asText: true,
    });
    const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
    const a = Object.assign(document.createElement('a'), {
      href: url,
      download: `${api.name}-${api.version}.yaml`,
    });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="panel">
      <QueryView query={doc} what="the definition">
        {(d) => {
          const text = JSON.stringify(d, null, 2);
          return (
            <>
              <div className="row">
                <CopyButton text={text} label="Copy the OpenAPI definition" />
                <button type="button" className="secondary small" onClick={() => void download()}>
                  Download YAML
                </button>
              </div>
              <pre tabIndex={0} aria-label="OpenAPI definition">
                {text}
              </pre>
            </>
          );
        }}
      </QueryView>
    </div>
  );
}

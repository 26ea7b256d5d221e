/**
 * An API document as a reader sees it, in the publisher and the developer portal alike: Markdown
 * rendered (the renderer loaded on first use), plain text as written, a link for a URL or a file.
 */
import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Publisher } from '@apim/rest-contract';
import { request, restUrl, type RestApi } from './api';
import { Loading, QueryView } from './ui';

const Markdown = lazy(() => import('./Markdown'));

export function DocumentContent({
  api,
  apiId,
  doc,
}: {
  api: RestApi;
  apiId: string;
  doc: Publisher.Document;
}) {
  const path = `/apis/${apiId}/documents/${doc.documentId}/content`;
  const inline = doc.sourceType === 'MARKDOWN' || doc.sourceType === 'INLINE';
  // keyed as useRest keys its reads, so a write that makes the document stale refreshes this too
  const content = useQuery({
    queryKey: [api, path, {}],
    queryFn: ({ signal }) => request<string>(api, path, { signal, asText: true }),
    enabled: inline,
  });
  if (doc.sourceType === 'URL')
    return (
      <p>
        <a href={doc.sourceUrl ?? undefined} target="_blank" rel="noreferrer">
          Open {doc.name}
        </a>
      </p>
    );
  if (doc.sourceType === 'FILE')
    return (
      <p>
        <a href={restUrl(api, path)} download={doc.fileName ?? undefined}>
          Download {doc.fileName ?? doc.name}
        </a>
      </p>
    );
  return (
    <QueryView query={content} what="the document" isEmpty={(t) => !t.trim()} empty="This document is empty.">
      {(text) =>
        doc.sourceType === 'MARKDOWN' ? (
          <Suspense fallback={<Loading what="Loading the document" />}>
            <Markdown text={text} />
          </Suspense>
        ) : (
          <pre className="document-text">{text}</pre>
        )
      }
    </QueryView>
  );
}

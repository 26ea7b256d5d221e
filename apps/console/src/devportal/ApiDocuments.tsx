/**
 * The documents a publisher wrote for an API (those everyone who sees the API may read), on its
 * page in the developer portal: each one opens in place, Markdown rendered and sanitised.
 */
import { useState } from 'react';
import type { Devportal } from '@apim/rest-contract';
import type { ListOf } from '../shared/api';
import { DocumentContent } from '../shared/DocumentContent';
import { useRest } from '../shared/hooks';
import { DOCUMENT_TYPE_LABELS, labelOf } from '../shared/labels';

type ApiDocument = Devportal.Document & { documentId: string };

export function ApiDocuments({ apiId }: { apiId: string }) {
  const docs = useRest<ListOf<ApiDocument>>('devportal', `/apis/${apiId}/documents`);
  const [open, setOpen] = useState<string[]>([]);
  // no documents, or none to be had: the page says nothing rather than an empty section
  if (!docs.data?.list.length) return null;
  return (
    <section className="panel" aria-labelledby="api-documents">
      <h2 id="api-documents">Documents</h2>
      {docs.data.list.map((d) => (
        <details
          key={d.documentId}
          onToggle={(e) => {
            const isOpen = e.currentTarget.open;
            setOpen((ids) => (isOpen ? [...ids, d.documentId] : ids.filter((id) => id !== d.documentId)));
          }}
        >
          <summary>
            {d.name} <span className="muted">({labelOf(DOCUMENT_TYPE_LABELS, d.type)})</span>
            {d.summary && <span className="muted"> — {d.summary}</span>}
          </summary>
          {/* the content is fetched when a reader opens the document */}
          {open.includes(d.documentId) && <DocumentContent api="devportal" apiId={apiId} doc={d} />}
        </details>
      ))}
    </section>
  );
}

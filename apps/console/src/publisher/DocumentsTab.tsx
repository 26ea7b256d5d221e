/**
 * An API's documents in the publisher: each one read as developers will read it, edited or
 * deleted, and a form to add one. Those everyone may see appear on the API's page in the
 * developer portal.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Complete, Publisher } from '@apim/rest-contract';
import { request, type ListOf } from '../shared/api';
import { DocumentContent } from '../shared/DocumentContent';
import { useRest } from '../shared/hooks';
import { DeleteButton, ErrorBox, ListTable } from '../shared/ui';
import { useNotify } from '../shared/notify';
import {
  DOCUMENT_SOURCE_LABELS,
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_VISIBILITY_LABELS,
  labelOf,
} from '../shared/labels';
import { DocumentForm, type ApiDocument } from './DocumentForm';

export function DocumentsTab({ api }: { api: Complete<Publisher.API> }) {
  const base = `/apis/${api.id}/documents`;
  const docs = useRest<ListOf<ApiDocument>>('publisher', base);
  const [reading, setReading] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ doc: ApiDocument; markdown: string } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const client = useQueryClient();
  const notify = useNotify();

  /** Opens the form on a document, with its Markdown as stored. */
  async function edit(doc: ApiDocument) {
    setLoadError(null);
    try {
      const markdown =
        doc.sourceType === 'MARKDOWN'
          ? await client.fetchQuery({
              queryKey: ['publisher', `${base}/${doc.documentId}/content`, {}],
              queryFn: () =>
                request<string>('publisher', `${base}/${doc.documentId}/content`, { asText: true }),
            })
          : '';
      setEditing({ doc, markdown });
    } catch (e) {
      setLoadError(e);
    }
  }

  const saved = (doc: ApiDocument, created: boolean) => {
    setEditing(null);
    setReading(doc.documentId);
    notify({
      message: `Document ${doc.name} ${created ? 'added' : 'saved'}.`,
      next:
        doc.visibility === 'API_LEVEL' && api.lifeCycleStatus === 'PUBLISHED'
          ? { label: 'See it in the developer portal', to: `/devportal/apis/${api.id}/overview` }
          : undefined,
    });
  };
  const shown = docs.data?.list.find((d) => d.documentId === reading);

  return (
    <>
      <ListTable
        query={docs}
        what="documents"
        label="Documents"
        empty="No documents yet: add a getting-started guide below."
        rowKey={(d) => d.documentId}
        columns={[
          {
            header: 'Name',
            cell: (d) => (
              <button
                type="button"
                className="link"
                aria-expanded={reading === d.documentId}
                onClick={() => setReading(reading === d.documentId ? null : d.documentId)}
              >
                {d.name}
              </button>
            ),
          },
          { header: 'Kind', cell: (d) => labelOf(DOCUMENT_TYPE_LABELS, d.type) },
          { header: 'Content', cell: (d) => labelOf(DOCUMENT_SOURCE_LABELS, d.sourceType) },
          { header: 'Who sees it', cell: (d) => labelOf(DOCUMENT_VISIBILITY_LABELS, d.visibility) },
        ]}
        actions={(d) => (
          <div className="row">
            {(d.sourceType === 'MARKDOWN' || d.sourceType === 'URL') && (
              <button
                type="button"
                className="secondary small"
                aria-label={`Edit ${d.name}`}
                onClick={() => void edit(d)}
              >
                Edit
              </button>
            )}
            <DeleteButton
              api="publisher"
              path={`${base}/${d.documentId}`}
              stale={[['publisher', base]]}
              label={`Delete ${d.name}`}
              question={`Delete the document ${d.name}?`}
              effect="Developers no longer see it on the API’s page. This cannot be undone."
            />
          </div>
        )}
      />
      <ErrorBox error={loadError} />
      {shown && (
        <section className="panel" aria-label={shown.name}>
          <h2>{shown.name}</h2>
          {shown.summary && <p className="muted">{shown.summary}</p>}
          <DocumentContent api="publisher" apiId={api.id} doc={shown} />
        </section>
      )}
      {editing ? (
        <DocumentForm
          key={editing.doc.documentId}
          apiId={api.id}
          editing={editing}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <DocumentForm apiId={api.id} onSaved={saved} />
      )}
    </>
  );
}

/**
 * Adding or editing an API document: its name, kind and audience, and its content, Markdown written
 * here or a link. The metadata and the content are two writes (WSO2's /documents and
 * /documents/{id}/content), made one after the other.
 */
import { useState } from 'react';
import type { Publisher } from '@apim/rest-contract';
import { request } from '../shared/api';
import { errorAt, useCheckedWrite } from '../shared/schema';
import { FormPanel, SelectField, TextArea, TextField } from '../shared/ui';
import {
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_VISIBILITY_LABELS,
  optionsOf,
  type Labels as ValueLabels,
} from '../shared/labels';

export type ApiDocument = Publisher.Document & { documentId: string };
type Source = 'MARKDOWN' | 'URL';

/** The two kinds of content written in the console (FILE and INLINE ones come through the REST API). */
const SOURCE_LABELS: ValueLabels<Source> = { MARKDOWN: 'Markdown, written here', URL: 'A link to a page' };
const FIELD_LABELS = { name: 'Name', sourceUrl: 'Link', summary: 'Summary' };

export function DocumentForm(props: {
  apiId: string;
  /** the document to edit, with its Markdown as stored; absent: a new one */
  editing?: { doc: ApiDocument; markdown: string };
  onSaved: (doc: ApiDocument, created: boolean) => void;
  onCancel?: () => void;
}) {
  const { apiId, editing } = props;
  const doc = editing?.doc;
  const [name, setName] = useState(doc?.name ?? '');
  const [type, setType] = useState<Publisher.Document['type']>(doc?.type ?? 'HOWTO');
  const [visibility, setVisibility] = useState(doc?.visibility ?? 'API_LEVEL');
  const [source, setSource] = useState<Source>(doc?.sourceType === 'URL' ? 'URL' : 'MARKDOWN');
  const [summary, setSummary] = useState(doc?.summary ?? '');
  const [url, setUrl] = useState(doc?.sourceUrl ?? '');
  const [markdown, setMarkdown] = useState(editing?.markdown ?? '');
  const base = `/apis/${apiId}/documents`;
  const save = useCheckedWrite(
    'publisher',
    doc ? 'updateAPIDocument' : 'addAPIDocument',
    async (body: Publisher.Document) => {
      const saved = await request<ApiDocument>('publisher', doc ? `${base}/${doc.documentId}` : base, {
        method: doc ? 'PUT' : 'POST',
        json: body,
      });
      if (body.sourceType === 'MARKDOWN') {
        const form = new FormData();
        form.set('inlineContent', markdown);
        await request('publisher', `${base}/${saved.documentId}/content`, { form });
      }
      return saved;
    },
    {
      stale: [['publisher', base]],
      labels: FIELD_LABELS,
      onSuccess: (saved) => {
        props.onSaved(saved, !doc);
        if (!doc) {
          setName('');
          setSummary('');
          setUrl('');
          setMarkdown('');
        }
      },
    },
  );
  const errors = save.errors;
  return (
    <FormPanel
      title={doc ? `Edit ${doc.name}` : 'Add a document'}
      write={save}
      shown={['name', 'type', 'visibility', 'summary', 'sourceUrl', 'content']}
      submit={doc ? 'Save document' : 'Add document'}
      pending="Saving…"
      secondary={
        props.onCancel && (
          <button type="button" className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )
      }
      onSubmit={() =>
        save.submit(
          {
            name: name.trim(),
            type,
            visibility,
            sourceType: source,
            summary: summary.trim() || null,
            ...(source === 'URL' ? { sourceUrl: url.trim() } : {}),
          },
          source === 'URL' && !url.trim()
            ? { sourceUrl: 'Link is required' }
            : source === 'MARKDOWN' && !markdown.trim()
              ? { content: 'Write the document, or choose a link instead' }
              : {},
        )
      }
    >
      <div className="row">
        <TextField label="Name" required value={name} error={errors?.name} onChange={setName} />
        <SelectField
          label="Kind"
          value={type}
          options={optionsOf(DOCUMENT_TYPE_LABELS)}
          onChange={(v) => setType(v as typeof type)}
        />
        <SelectField
          label="Who sees it"
          value={visibility}
          options={optionsOf(DOCUMENT_VISIBILITY_LABELS)}
          onChange={(v) => setVisibility(v as typeof visibility)}
        />
      </div>
      <TextField label="Summary" value={summary} error={errors?.summary} onChange={setSummary} />
      <SelectField
        label="Content"
        value={source}
        options={optionsOf(SOURCE_LABELS)}
        onChange={(v) => setSource(v as Source)}
      />
      {source === 'URL' ? (
        <TextField
          label="Link"
          type="url"
          placeholder="https://"
          value={url}
          error={errorAt(errors, 'sourceUrl')}
          onChange={setUrl}
        />
      ) : (
        <TextArea
          label="Markdown"
          rows={10}
          monospace
          hint="Headings, lists, links and code; HTML is not rendered."
          value={markdown}
          error={errors?.content}
          onChange={setMarkdown}
        />
      )}
    </FormPanel>
  );
}

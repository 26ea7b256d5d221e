import { useState } from 'react';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { Page, SelectField } from '../shared/ui';
import { EMPTY_BASICS, NewApiForm, type ApiBasics } from './basics';
import { DefinitionCheckForm } from './DefinitionCheckForm';
import type { Complete, Publisher } from '@apim/rest-contract';

type AsyncType = 'WS' | 'SSE' | 'WEBSUB';
const TYPE_LABELS: Record<AsyncType, string> = {
  WS: 'WebSocket',
  SSE: 'Server-Sent Events',
  WEBSUB: 'WebSub (webhooks)',
};

interface Validation {
  isValid: boolean;
  info?: {
    name?: string;
    version?: string;
    description?: string;
    asyncAPIVersion?: string;
    type?: AsyncType;
  };
  errors?: { message?: string; description?: string }[];
}

function sourceForm(file: File | null, text: string): FormData {
  const form = new FormData();
  if (file) form.set('file', file, file.name);
  else form.set('inlineAPIDefinition', text);
  return form;
}

/**
 * Create a WebSocket, SSE or WebSub API from an AsyncAPI 2.x/3.x document (a file or pasted text),
 * as the OpenAPI import does: the server checks the document first, listing each problem with its
 * place; the API type comes from the document's servers and can be changed; the channels become
 * the API's resources (SUBSCRIBE, PUBLISH), seen on its page once created.
 */
export function ImportAsyncApiPage() {
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [validated, setValidated] = useState<Validation | null>(null);
  const [type, setType] = useState<AsyncType>('WS');
  const [basics, setBasics] = useState<ApiBasics>(EMPTY_BASICS);
  const [problems, setProblems] = useState<string[]>([]);

  const reset = () => {
    setValidated(null);
    setProblems([]);
  };
  const validate = useRestMutation(
    () => request<Validation>('publisher', '/apis/validate-asyncapi', { form: sourceForm(file, text) }),
    {
      stale: [],
      onSuccess: (v) => {
        if (!v.isValid) {
          setProblems((v.errors ?? []).map((e) => `${e.message ?? ''} ${e.description ?? ''}`.trim()));
          return;
        }
        setValidated(v);
        setType(v.info?.type ?? 'WS');
        setBasics({
          ...EMPTY_BASICS,
          name: v.info?.name ?? '',
          version: v.info?.version ?? '1.0.0',
          description: v.info?.description ?? '',
        });
      },
    },
  );
  const importApi = (body: Record<string, unknown>) => {
    const form = sourceForm(file, text);
    form.set('additionalProperties', JSON.stringify({ ...body, type }));
    return request<Complete<Publisher.API>>('publisher', '/apis/import-asyncapi', { form });
  };

  return (
    <Page title="Import an AsyncAPI definition">
      <DefinitionCheckForm
        id="asyncapi-file"
        fileLabel="AsyncAPI file (JSON or YAML)"
        accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
        pasteLabel="Or paste the definition"
        noun="definition"
        file={file}
        text={text}
        setFile={setFile}
        setText={setText}
        onChange={reset}
        problems={problems}
        check={validate}
      />

      {validated && (
        <NewApiForm
          key={validate.submittedAt}
          value={basics}
          onChange={setBasics}
          send={importApi}
          submit="Import"
          pending="Importing…"
        >
          <p className="notice" role="status">
            A valid AsyncAPI {validated.info?.asyncAPIVersion ?? ''} definition. Its channels become the
            API&apos;s resources.
          </p>
          <SelectField
            label="API type"
            value={type}
            options={(Object.keys(TYPE_LABELS) as AsyncType[]).map((t) => ({
              value: t,
              label: TYPE_LABELS[t],
            }))}
            hint={
              validated.info?.type ? "Read from the definition's servers" : 'The servers do not say: choose'
            }
            onChange={(v) => setType(v as AsyncType)}
          />
          <h2>API details</h2>
        </NewApiForm>
      )}
    </Page>
  );
}

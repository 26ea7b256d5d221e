import { useState } from 'react';
import { Page, SelectField } from '../shared/ui';
import { EMPTY_BASICS, NewApiForm } from './basics';
import { DefinitionCheckForm } from './DefinitionCheckForm';
import { useDefinitionCheck } from './useDefinitionCheck';

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

/**
 * Create a WebSocket, SSE or WebSub API from an AsyncAPI 2.x/3.x document (a file or pasted text),
 * as the OpenAPI import does: the server checks the document first, listing each problem with its
 * place; the API type comes from the document's servers and can be changed; the channels become
 * the API's resources (SUBSCRIBE, PUBLISH), seen on its page once created.
 */
export function ImportAsyncApiPage() {
  const [type, setType] = useState<AsyncType>('WS');
  const d = useDefinitionCheck<Validation>({
    textField: 'inlineAPIDefinition',
    validatePath: '/apis/validate-asyncapi',
    importPath: '/apis/import-asyncapi',
    problemsOf: (v) => (v.errors ?? []).map((e) => `${e.message ?? ''} ${e.description ?? ''}`.trim()),
    onValid: (v) => {
      setType(v.info?.type ?? 'WS');
      return {
        ...EMPTY_BASICS,
        name: v.info?.name ?? '',
        version: v.info?.version ?? '1.0.0',
        description: v.info?.description ?? '',
      };
    },
  });
  const validated = d.validated;

  return (
    <Page title="Import an AsyncAPI definition">
      <DefinitionCheckForm
        id="asyncapi-file"
        fileLabel="AsyncAPI file (JSON or YAML)"
        accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
        pasteLabel="Or paste the definition"
        noun="definition"
        {...d.source}
      />

      {validated && (
        <NewApiForm
          key={d.checkedAt}
          value={d.basics}
          onChange={d.setBasics}
          send={(body) => d.importApi({ ...body, type })}
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

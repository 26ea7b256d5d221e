/**
 * A REST API's reference and try-it, rendered by Swagger UI (the renderer of WSO2's devportal):
 * operations with their parameters, schemas, examples, body content types and required scopes,
 * "Try it out" calling the gateway with the chosen credential filled in, and the call as curl.
 * Loaded lazily (DevApiPage): Swagger UI is large and only these pages need it.
 */
import { useEffect, useMemo, useRef } from 'react';
import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';
import { API_KEY_SCHEME, TOKEN_SCHEME, tokenValue } from './openapi-view';

type Doc = Record<string, unknown>;

/** Swagger UI's system (its own type is `any`): the parts used here. */
interface SwaggerSystem {
  preauthorizeApiKey(scheme: string, value: string): void;
  authActions: { logout(schemes: string[]): void };
  authSelectors: { authorized(): { size: number } };
}

export interface ReferenceCredential {
  kind: 'oauth' | 'apikey';
  value: string;
}

function authorise(system: SwaggerSystem, shown: Doc, credential: ReferenceCredential | null): void {
  // Swagger UI's logout fails while nothing was ever authorised
  if (system.authSelectors.authorized().size) system.authActions.logout([TOKEN_SCHEME, API_KEY_SCHEME]);
  if (!credential?.value) return;
  if (credential.kind === 'apikey') system.preauthorizeApiKey(API_KEY_SCHEME, credential.value);
  else system.preauthorizeApiKey(TOKEN_SCHEME, tokenValue(shown, credential.value));
}

const ALL_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/**
 * Swagger UI wraps its server select in an empty label, so screen readers announce an unnamed
 * list (axe: select-name, critical); it re-renders that part at will, hence a watch on the subtree.
 */
function nameServerSelect(container: HTMLElement): () => void {
  const name = () => {
    const select = container.querySelector('select#servers');
    if (select && !select.hasAttribute('aria-label')) select.setAttribute('aria-label', 'Gateway URL');
  };
  name();
  const watch = new MutationObserver(name);
  watch.observe(container, { childList: true, subtree: true });
  return () => watch.disconnect();
}

export default function ApiReference({
  doc,
  credential,
  tryIt,
}: {
  /** the document as presentDefinition made it */
  doc: Doc;
  credential: ReferenceCredential | null;
  /** whether "Try it out" is offered (the Try it tab) or the reference only (Documentation) */
  tryIt: boolean;
}) {
  const system = useRef<SwaggerSystem | null>(null);
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => (container.current ? nameServerSelect(container.current) : undefined), []);
  // the latest credential, for Swagger UI's onComplete, which runs once the document is loaded
  const latest = useRef(credential);
  latest.current = credential;
  useEffect(() => {
    if (system.current) authorise(system.current, doc, credential);
  }, [doc, credential]);
  const onComplete = useMemo(
    () => (s: SwaggerSystem) => {
      system.current = s;
      authorise(s, doc, latest.current);
    },
    [doc],
  );
  return (
    <div className="api-reference" ref={container}>
      <SwaggerUI
        spec={doc}
        onComplete={onComplete}
        tryItOutEnabled={tryIt}
        supportedSubmitMethods={tryIt ? [...ALL_METHODS] : []}
        docExpansion="list"
        defaultModelsExpandDepth={1}
        deepLinking={false}
        displayRequestDuration
        requestSnippetsEnabled
      />
    </div>
  );
}

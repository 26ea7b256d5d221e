/**
 * Try-it: call one operation of the API through the gateway with a credential of one of the user's
 * applications, and get the same call as curl, JavaScript and Python.
 */
import { useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../shared/auth';
import type { ListOf } from '../shared/api';
import { useConfig } from '../shared/config-context';
import { useRest } from '../shared/hooks';
import { CopyButton, ErrorBox, SelectField, TextArea, TextField } from '../shared/ui';
import { gatewayBaseUrl } from './DevApiPage';
import { operationsOf, sampleOf, type DocOperation } from './openapi-view';
import { curlSnippet, fetchSnippet, pythonSnippet, type PreparedRequest } from './snippets';
import { useRememberedCredentials } from './token-memory';
import type { Complete, Devportal } from '@apim/rest-contract';

type Doc = Record<string, unknown>;

interface CallResult {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  ms: number;
}

/** The kinds of remembered credential the API takes (no scheme of ours named: OAuth2, as the gateway does). */
function acceptedKinds(schemes: readonly string[]): Set<'oauth' | 'apikey'> {
  const kinds = new Set<'oauth' | 'apikey'>();
  if (schemes.includes('api_key')) kinds.add('apikey');
  if (schemes.includes('oauth2') || !schemes.some((s) => ['api_key', 'basic_auth', 'mutualssl'].includes(s)))
    kinds.add('oauth');
  return kinds;
}

function prepare(
  api: Complete<Devportal.API>,
  base: string,
  op: DocOperation,
  values: Record<string, string>,
  body: string,
  credential: { kind: 'oauth' | 'apikey'; value: string } | null,
): PreparedRequest {
  let path = op.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    const v = values[`${p.in}:${p.name}`] ?? '';
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(v));
    else if (p.in === 'query' && v !== '') query.set(p.name, v);
    else if (p.in === 'header' && v !== '') headers[p.name] = v;
  }
  if (credential?.value) {
    if (credential.kind === 'apikey') headers[api.apiKeyHeader || 'apikey'] = credential.value;
    else headers[api.authorizationHeader || 'Authorization'] = `Bearer ${credential.value}`;
  }
  const withBody = !!op.requestBody && !['GET', 'HEAD'].includes(op.verb);
  if (withBody) headers['Content-Type'] = op.requestBody?.contentType ?? 'application/json';
  const qs = query.toString();
  return {
    method: op.verb,
    url: `${base}${path}${qs ? `?${qs}` : ''}`,
    headers,
    body: withBody ? body : undefined,
  };
}

function Snippets({ request }: { request: PreparedRequest }) {
  const [lang, setLang] = useState<'curl' | 'js' | 'python'>('curl');
  const id = useId();
  const code =
    lang === 'curl' ? curlSnippet(request) : lang === 'js' ? fetchSnippet(request) : pythonSnippet(request);
  const tabs = [
    ['curl', 'curl'],
    ['js', 'JavaScript'],
    ['python', 'Python'],
  ] as const;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Code</h2>
      <div role="tablist" aria-label="Snippet language" className="row">
        {tabs.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            id={`${id}-${value}`}
            aria-selected={lang === value}
            aria-controls={`${id}-panel`}
            className={lang === value ? 'small' : 'secondary small'}
            onClick={() => setLang(value)}
          >
            {label}
          </button>
        ))}
        <CopyButton text={code} label={`Copy the ${lang === 'js' ? 'JavaScript' : lang} snippet`} />
      </div>
      <pre id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-${lang}`} tabIndex={0}>
        {code}
      </pre>
    </section>
  );
}

export function TryIt({ api, doc }: { api: Complete<Devportal.API>; doc: Doc }) {
  const config = useConfig();
  const session = useSession();
  const ops = useMemo(() => operationsOf(doc), [doc]);
  const remembered = useRememberedCredentials();
  const subs = useRest<ListOf<Complete<Devportal.Subscription>>>(
    'devportal',
    '/subscriptions',
    { apiId: api.id, limit: 100 },
    { enabled: !!session },
  );
  const subscribedApps = new Set((subs.data?.list ?? []).map((s) => s.applicationId));
  const accepted = acceptedKinds(api.securityScheme ?? []);
  const usable = remembered.filter((c) => subscribedApps.has(c.applicationId) && accepted.has(c.kind));

  const [opKey, setOpKey] = useState(ops[0] ? `${ops[0].verb} ${ops[0].path}` : '');
  const op = ops.find((o) => `${o.verb} ${o.path}` === opKey) ?? ops[0];
  const [values, setValues] = useState<Record<string, string>>({});
  const [bodies, setBodies] = useState<Record<string, string>>({});
  const [credKey, setCredKey] = useState('');
  const [pasted, setPasted] = useState('');
  const [result, setResult] = useState<CallResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (!op) return <p className="empty">The definition lists no operations to try.</p>;
  const chosen = usable.find((c) => `${c.applicationId}:${c.keyType}:${c.kind}` === credKey) ?? usable[0];
  const credential =
    credKey === 'paste'
      ? { kind: 'oauth' as const, value: pasted.trim() }
      : chosen
        ? { kind: chosen.kind, value: chosen.value }
        : null;
  const key = `${op.verb} ${op.path}`;
  const body =
    bodies[key] ??
    (op.requestBody
      ? JSON.stringify(op.requestBody.example ?? sampleOf(doc, op.requestBody.schema), null, 2)
      : '');
  const prepared = prepare(api, gatewayBaseUrl(api, config.gatewayUrl), op, values, body, credential);

  const send = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    const started = performance.now();
    try {
      const res = await fetch(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        body: prepared.body,
      });
      const text = await res.text();
      setResult({
        status: res.status,
        statusText: res.statusText,
        headers: [...res.headers.entries()],
        body: text,
        ms: Math.round(performance.now() - started),
      });
    } catch {
      setError(
        new Error(
          `The gateway at ${new URL(prepared.url).origin} could not be reached, or it refused this page's cross-origin call (enable CORS on the API).`,
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  let pretty = result?.body ?? '';
  try {
    pretty = JSON.stringify(JSON.parse(pretty), null, 2);
  } catch {
    // not JSON: shown as it came
  }

  return (
    <>
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <SelectField
          label="Operation"
          value={key}
          options={ops.map((o) => ({
            value: `${o.verb} ${o.path}`,
            label: `${o.verb} ${o.path}${o.summary ? ` — ${o.summary}` : ''}`,
          }))}
          onChange={(v) => {
            setOpKey(v);
            setResult(null);
          }}
        />
        <SelectField
          label="Credential"
          value={
            credKey === 'paste'
              ? 'paste'
              : chosen
                ? `${chosen.applicationId}:${chosen.keyType}:${chosen.kind}`
                : 'paste'
          }
          options={[
            ...usable.map((c) => ({
              value: `${c.applicationId}:${c.keyType}:${c.kind}`,
              label: `${c.applicationName} — ${c.keyType.toLowerCase()} ${c.kind === 'apikey' ? 'API key' : 'access token'}`,
            })),
            { value: 'paste', label: 'Paste an access token' },
          ]}
          hint={
            usable.length === 0 ? (
              <>
                Generate a token on the page of an application subscribed to this API (
                <Link to="/devportal/applications">applications</Link>) and it is offered here.
              </>
            ) : undefined
          }
          onChange={setCredKey}
        />
        {(credKey === 'paste' || !chosen) && (
          <TextField label="Access token" value={pasted} onChange={setPasted} />
        )}
        {op.parameters.map((p) => (
          <TextField
            key={`${key}:${p.in}:${p.name}`}
            label={`${p.name} (${p.in})`}
            required={p.required}
            hint={p.description}
            value={values[`${p.in}:${p.name}`] ?? ''}
            onChange={(v) => setValues({ ...values, [`${p.in}:${p.name}`]: v })}
          />
        ))}
        {prepared.body !== undefined && (
          <TextArea
            label="Request body"
            rows={8}
            monospace
            value={body}
            onChange={(v) => setBodies({ ...bodies, [key]: v })}
          />
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Calling…' : 'Send request'}
        </button>
        <ErrorBox error={error} />
      </form>
      {result && (
        <section className="panel" aria-label="Response" aria-live="polite">
          <h2>
            Response: {result.status} {result.statusText} <span className="muted">({result.ms} ms)</span>
          </h2>
          <pre tabIndex={0} aria-label="Response body">
            {pretty || '(empty body)'}
          </pre>
          <details>
            <summary>Response headers</summary>
            <dl className="kv">
              {result.headers.map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </details>
        </section>
      )}
      <Snippets request={prepared} />
    </>
  );
}

/** Reading an OpenAPI document for display: its operations, parameters and schemas, refs followed. */
import { Fragment } from 'react';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface DocOperation {
  verb: string;
  path: string;
  summary?: string;
  description?: string;
  tags: string[];
  parameters: { name: string; in: string; required: boolean; description?: string; schema?: Obj }[];
  requestBody?: { contentType: string; schema?: Obj; example?: unknown };
  responses: { status: string; description?: string }[];
  secured: boolean;
}

const VERBS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Follows an internal $ref (#/...), at most a few levels. */
export function deref(doc: Obj, v: unknown, depth = 0): unknown {
  if (!isObj(v) || typeof v.$ref !== 'string' || !v.$ref.startsWith('#/') || depth > 10) return v;
  let cur: unknown = doc;
  for (const part of v.$ref.slice(2).split('/'))
    cur = isObj(cur) ? cur[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return deref(doc, cur, depth + 1);
}

export function operationsOf(doc: Obj): DocOperation[] {
  const out: DocOperation[] = [];
  const paths = isObj(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem);
    if (!isObj(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const verb of VERBS) {
      const op = item[verb];
      if (!isObj(op)) continue;
      const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]
        .map((p) => deref(doc, p))
        .filter(isObj);
      const body = deref(doc, op.requestBody);
      let requestBody: DocOperation['requestBody'];
      if (isObj(body) && isObj(body.content)) {
        const [contentType, media] = Object.entries(body.content)[0] ?? [];
        if (contentType && isObj(media))
          requestBody = {
            contentType,
            schema: deref(doc, media.schema) as Obj | undefined,
            example: media.example,
          };
      }
      const bodyParam = params.find((p) => p.in === 'body');
      if (!requestBody && bodyParam)
        requestBody = {
          contentType: 'application/json',
          schema: deref(doc, bodyParam.schema) as Obj | undefined,
        };
      const security = op.security ?? doc.security;
      out.push({
        verb: verb.toUpperCase(),
        path,
        summary: typeof op.summary === 'string' ? op.summary : undefined,
        description: typeof op.description === 'string' ? op.description : undefined,
        tags: Array.isArray(op.tags) ? op.tags.map(String) : [],
        parameters: params
          .filter((p) => p.in !== 'body')
          .map((p) => ({
            name: String(p.name),
            in: String(p.in),
            required: p.required === true || p.in === 'path',
            description: typeof p.description === 'string' ? p.description : undefined,
            schema: (deref(doc, p.schema) as Obj | undefined) ?? (p.type ? { type: p.type } : undefined),
          })),
        requestBody,
        responses: Object.entries(isObj(op.responses) ? op.responses : {}).map(([status, r]) => {
          const resp = deref(doc, r);
          return {
            status,
            description: isObj(resp) && typeof resp.description === 'string' ? resp.description : undefined,
          };
        }),
        secured: op['x-auth-type'] !== 'None' && !(Array.isArray(security) && security.length === 0),
      });
    }
  }
  return out;
}

/** A sample JSON value for a schema: its example, else a value per property. */
export function sampleOf(doc: Obj, schema: unknown, depth = 0): unknown {
  const s = deref(doc, schema);
  if (!isObj(s) || depth > 6) return null;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'object' || isObj(s.properties))
    return Object.fromEntries(
      Object.entries(isObj(s.properties) ? s.properties : {}).map(([k, v]) => [
        k,
        sampleOf(doc, v, depth + 1),
      ]),
    );
  if (type === 'array') return [sampleOf(doc, s.items, depth + 1)];
  if (type === 'integer' || type === 'number') return 0;
  if (type === 'boolean') return false;
  if (type === 'string') return s.format === 'date-time' ? new Date(0).toISOString() : 'string';
  const first = [s.allOf, s.oneOf, s.anyOf].find(Array.isArray) as unknown[] | undefined;
  return first ? sampleOf(doc, first[0], depth + 1) : null;
}

export function OperationDoc({ doc, op }: { doc: Obj; op: DocOperation }) {
  return (
    <details className="card" style={{ marginBottom: 8 }}>
      <summary>
        <span className={`verb verb-${op.verb.toLowerCase()}`}>{op.verb}</span> <code>{op.path}</code>{' '}
        {op.summary && <span className="muted">{op.summary}</span>}{' '}
        {!op.secured && <span className="badge">open</span>}
      </summary>
      {op.description && <p>{op.description}</p>}
      {op.parameters.length > 0 && (
        <table aria-label={`Parameters of ${op.verb} ${op.path}`}>
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              <th scope="col">In</th>
              <th scope="col">Type</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}:${p.name}`}>
                <td>
                  <code>{p.name}</code>
                  {p.required && ' *'}
                </td>
                <td>{p.in}</td>
                <td>{String(p.schema?.type ?? '')}</td>
                <td>{p.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {op.requestBody && (
        <>
          <h4>Request body ({op.requestBody.contentType})</h4>
          <pre>{JSON.stringify(op.requestBody.example ?? sampleOf(doc, op.requestBody.schema), null, 2)}</pre>
        </>
      )}
      <h4>Responses</h4>
      <dl className="kv">
        {op.responses.map((r) => (
          <Fragment key={r.status}>
            <dt>{r.status}</dt>
            <dd>{r.description}</dd>
          </Fragment>
        ))}
      </dl>
    </details>
  );
}

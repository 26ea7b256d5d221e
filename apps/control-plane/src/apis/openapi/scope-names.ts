/**
 * Renaming scopes throughout an OpenAPI document: the security requirements (the document's and
 * each operation's), WSO2's `x-scopes`, and the OAuth2 flows that declare them with their
 * `x-scopes-bindings`, so that the stored document says what the operations require.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function renameKeys(o: Obj, renames: ReadonlyMap<string, string>): Obj {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [renames.get(k) ?? k, v]));
}

function renameRequirements(security: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (!Array.isArray(security)) return security;
  return security.map((req) =>
    isObj(req)
      ? Object.fromEntries(
          Object.entries(req).map(([scheme, scopes]) => [
            scheme,
            Array.isArray(scopes)
              ? scopes.map((s) => (typeof s === 'string' ? (renames.get(s) ?? s) : s))
              : scopes,
          ]),
        )
      : req,
  );
}

/** A copy of `doc` with each scope of `renames` (old name -> new name) renamed. */
export function renameScopesInDocument(doc: Obj, renames: ReadonlyMap<string, string>): Obj {
  if (!renames.size) return doc;
  const out = structuredClone(doc);
  if (out.security) out.security = renameRequirements(out.security, renames);
  for (const item of Object.values(isObj(out.paths) ? out.paths : {})) {
    if (!isObj(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObj(op)) continue;
      if (op.security) op.security = renameRequirements(op.security, renames);
      if (Array.isArray(op['x-scopes']))
        op['x-scopes'] = op['x-scopes'].map((s) => (typeof s === 'string' ? (renames.get(s) ?? s) : s));
    }
  }
  const components = isObj(out.components) ? out.components : {};
  const schemes = isObj(components.securitySchemes)
    ? components.securitySchemes
    : isObj(out.securityDefinitions)
      ? out.securityDefinitions
      : {};
  for (const scheme of Object.values(schemes)) {
    if (!isObj(scheme)) continue;
    // 3.x: per flow; 2.0: on the scheme itself
    for (const flow of isObj(scheme.flows) ? Object.values(scheme.flows) : [scheme]) {
      if (!isObj(flow)) continue;
      if (isObj(flow.scopes)) flow.scopes = renameKeys(flow.scopes, renames);
      if (isObj(flow['x-scopes-bindings']))
        flow['x-scopes-bindings'] = renameKeys(flow['x-scopes-bindings'], renames);
    }
  }
  return out;
}

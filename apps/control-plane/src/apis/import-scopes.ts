/**
 * The scopes an imported document brings, claimed for the new API. Scope names are global and a
 * scope belongs to one API (all its versions): a document requiring a scope another API owns gets
 * a scope of its own under a new name, in its operations and its stored document alike, and the
 * publisher is told which API owns the original. Before this, the API silently used the other
 * API's scope, which tokens for it never carried (every call 403 900910) and its Scopes tab never
 * listed. A shared scope is kept as it is: sharing it is what it is for.
 */
import type { PrismaClient, TransactionClient } from '@apim/db';
import type { Publisher } from '@apim/rest-contract';
import type { Principal } from '../http/auth.js';
import { requireApiType } from './api-type.js';
import { apiResource, createApiIn, loadApi, replaceDefinitionIn } from './apis.js';
import { slug } from './import.js';
import type { OperationDraft, ScopeDraft } from './openapi/operations.js';
import { renameScopesInDocument } from './openapi/scope-names.js';

export type ImportWarning = Publisher.ImportWarning;

export interface DocumentContents {
  definition: Record<string, unknown>;
  operations: OperationDraft[];
  scopes: ScopeDraft[];
}

const MAX_SCOPE_NAME = 255;

/** Who may use a scope name for an API of this name: nobody yet, or that API's own versions. */
async function ownerOf(tx: TransactionClient, name: string) {
  return tx.scope.findUnique({
    where: { name },
    select: { apiId: true, api: { select: { id: true, name: true, version: true } } },
  });
}

/** The name the API's own copy of `scope` takes: `<api>:<scope>`, numbered when that is taken too. */
async function freeName(tx: TransactionClient, apiName: string, scope: string, taken: Set<string>) {
  const prefix = slug(apiName) || 'api';
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `-${n}`;
    const candidate = `${prefix}${suffix}:${scope}`.slice(0, MAX_SCOPE_NAME);
    if (taken.has(candidate)) continue;
    const owner = await ownerOf(tx, candidate);
    if (!owner || owner.api?.name === apiName) return candidate;
  }
}

/**
 * The document's contents for an API named `apiName`, each scope another API owns renamed, with a
 * warning per renamed scope naming the owner.
 */
export async function claimDocumentScopes(
  tx: TransactionClient,
  apiName: string,
  contents: DocumentContents,
): Promise<DocumentContents & { warnings: ImportWarning[] }> {
  const names = contents.scopes.map((s) => s.name);
  const owned = await tx.scope.findMany({
    where: { name: { in: names }, api: { name: { not: apiName } } },
    select: { name: true, api: { select: { id: true, name: true, version: true } } },
    orderBy: { name: 'asc' },
  });
  if (!owned.length) return { ...contents, warnings: [] };
  const renames = new Map<string, string>();
  const taken = new Set(names);
  const warnings: ImportWarning[] = [];
  for (const { name, api } of owned) {
    const renamedTo = await freeName(tx, apiName, name, taken);
    taken.add(renamedTo);
    renames.set(name, renamedTo);
    warnings.push({
      scope: name,
      renamedTo,
      ownerApi: { id: api!.id, name: api!.name, version: api!.version },
      message: `The scope '${name}' belongs to the API '${api!.name}' (${api!.version}): this API's operations require '${renamedTo}' instead, a scope of its own; tokens for this API must ask for '${renamedTo}'`,
    });
  }
  const rename = (s: string) => renames.get(s) ?? s;
  return {
    definition: renameScopesInDocument(contents.definition, renames),
    operations: contents.operations.map((o) => ({ ...o, scopes: o.scopes.map(rename) })),
    scopes: contents.scopes.map((s) => ({ ...s, name: rename(s.name) })),
    warnings,
  };
}

/** Creates the API of an imported document, its scopes claimed; the API and what was renamed. */
export async function createImportedApi(
  prisma: PrismaClient,
  principal: Principal,
  input: Publisher.API,
  contents: DocumentContents,
) {
  const { row, warnings } = await prisma.$transaction(async (tx) => {
    const { warnings, ...claimed } = await claimDocumentScopes(tx, input.name, contents);
    return { row: await createApiIn(tx, principal, input, claimed), warnings };
  });
  return { api: await apiResource(prisma, row), warnings };
}

/** Replaces an API's document, its scopes claimed as on import; the API and what was renamed. */
export async function replaceImportedDefinition(
  prisma: PrismaClient,
  apiId: string,
  contents: DocumentContents,
) {
  return prisma.$transaction(async (tx) => {
    const current = await loadApi(tx, apiId);
    requireApiType(current, ['HTTP'], 'OpenAPI document');
    const { warnings, definition, ...claimed } = await claimDocumentScopes(tx, current.name, contents);
    return { api: await replaceDefinitionIn(tx, apiId, definition, claimed), warnings };
  });
}

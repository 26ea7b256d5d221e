/**
 * API documents: metadata plus content (inline text, markdown, a URL or an uploaded file). The
 * publisher manages them; the developer portal shows API_LEVEL ones of the APIs a caller may see.
 */
import { Scopes } from '@apim/contracts';
import type { Prisma, PrismaClient } from '@apim/db';
import type { AppContext } from '../context.js';
import type { Principal } from '../http/auth.js';
import { badRequest, conflictOnDuplicate, notFound } from '../http/errors.js';
import { uuid, type Publisher } from '@apim/rest-contract';
import { operation, ref, type OperationSpec, type RestResult } from '../http/rest-api.js';
import { loadApi } from './apis.js';

type DocumentRow = Prisma.ApiDocumentGetPayload<object>;
const METADATA = { content: false } as const;

function dto(d: Omit<DocumentRow, 'content'>) {
  return {
    documentId: d.id,
    name: d.name,
    type: d.type,
    summary: d.summary,
    sourceType: d.sourceType,
    sourceUrl: d.sourceUrl,
    fileName: d.fileName,
    visibility: d.visibility,
    createdTime: d.createdAt.toISOString(),
    lastUpdatedTime: d.updatedAt.toISOString(),
  };
}

/**
 * The document's content. Uploaded files are sent as attachments that browsers may not sniff or
 * run, so a document can never script the console it is served next to.
 */
function contentResult(d: DocumentRow): RestResult {
  if (d.sourceType === 'URL') return { status: 303, headers: { location: d.sourceUrl ?? '' } };
  if (!d.content) throw notFound('Document content');
  const body = Buffer.from(d.content);
  const safety = {
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  };
  if (d.sourceType === 'FILE')
    return {
      status: 200,
      body,
      contentType: 'application/octet-stream',
      headers: {
        ...safety,
        'content-disposition': `attachment; filename="${(d.fileName ?? 'document').replace(/[^\w.-]/g, '_')}"`,
      },
    };
  return {
    status: 200,
    body: body.toString('utf8'),
    contentType: d.sourceType === 'MARKDOWN' ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8',
    headers: safety,
  };
}

async function findDocument(prisma: PrismaClient, apiId: string, documentId: string, apiLevelOnly: boolean) {
  const d = await prisma.apiDocument.findFirst({
    where: { id: documentId, apiId, ...(apiLevelOnly ? { visibility: 'API_LEVEL' } : {}) },
  });
  if (!d) throw notFound('Document');
  return d;
}

const params = { apiId: uuid, documentId: uuid };

/** A document's metadata as stored, from the body a publisher sent (checked for a URL document's URL). */
function metadataOf(body: Publisher.Document, visibility: DocumentRow['visibility']) {
  if (body.sourceType === 'URL' && !body.sourceUrl) throw badRequest("A URL document needs 'sourceUrl'");
  return {
    name: body.name,
    type: body.type,
    summary: body.summary ?? null,
    sourceType: body.sourceType,
    sourceUrl: body.sourceType === 'URL' ? body.sourceUrl : null,
    visibility: body.visibility ?? visibility,
  };
}

export function publisherDocumentOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const view = [Scopes.apiView, Scopes.apiCreate, Scopes.apiPublish];
  const edit = [Scopes.apiCreate, Scopes.apiPublish];
  const tag = 'API Documents';
  return [
    operation({
      method: 'get',
      path: '/apis/{apiId}/documents',
      operationId: 'getAPIDocuments',
      summary: "The API's documents",
      tag,
      access: view,
      params: { apiId: uuid },
      responses: { 200: { description: 'Documents', schema: ref('DocumentList') } },
      async handle({ params: p }) {
        await loadApi(prisma, p.apiId!);
        const rows = await prisma.apiDocument.findMany({
          where: { apiId: p.apiId! },
          omit: METADATA,
          orderBy: { name: 'asc' },
        });
        return { status: 200, body: { count: rows.length, list: rows.map(dto) } };
      },
    }),
    operation<Publisher.Document>({
      method: 'post',
      path: '/apis/{apiId}/documents',
      operationId: 'addAPIDocument',
      summary: 'Add a document (its content goes to /content)',
      tag,
      access: edit,
      params: { apiId: uuid },
      body: ref('Document'),
      responses: { 201: { description: 'Created', schema: ref('Document') } },
      async handle({ params: p, body }) {
        await loadApi(prisma, p.apiId!);
        const d = await prisma.apiDocument
          .create({
            data: { apiId: p.apiId!, ...metadataOf(body, 'API_LEVEL') },
            omit: METADATA,
          })
          .catch(conflictOnDuplicate(`The API already has a document named '${body.name}'`));
        return { status: 201, body: dto(d) };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/documents/{documentId}',
      operationId: 'getAPIDocumentByDocumentId',
      summary: 'One document',
      tag,
      access: view,
      params,
      responses: { 200: { description: 'The document', schema: ref('Document') } },
      async handle({ params: p }) {
        return { status: 200, body: dto(await findDocument(prisma, p.apiId!, p.documentId!, false)) };
      },
    }),
    operation<Publisher.Document>({
      method: 'put',
      path: '/apis/{apiId}/documents/{documentId}',
      operationId: 'updateAPIDocument',
      summary: "Change a document's metadata",
      tag,
      access: edit,
      params,
      body: ref('Document'),
      responses: { 200: { description: 'The document', schema: ref('Document') } },
      async handle({ params: p, body }) {
        const current = await findDocument(prisma, p.apiId!, p.documentId!, false);
        const typeChanged = body.sourceType !== current.sourceType;
        const d = await prisma.apiDocument
          .update({
            where: { id: current.id },
            data: {
              ...metadataOf(body, current.visibility),
              // content of another kind no longer applies
              ...(typeChanged ? { content: null, fileName: null, contentType: null } : {}),
            },
            omit: METADATA,
          })
          .catch(conflictOnDuplicate(`The API already has a document named '${body.name}'`));
        return { status: 200, body: dto(d) };
      },
    }),
    operation({
      method: 'delete',
      path: '/apis/{apiId}/documents/{documentId}',
      operationId: 'deleteAPIDocument',
      summary: 'Delete a document',
      tag,
      access: edit,
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        const d = await findDocument(prisma, p.apiId!, p.documentId!, false);
        await prisma.apiDocument.delete({ where: { id: d.id } });
        return { status: 200 };
      },
    }),
    operation<{ inlineContent?: string }>({
      method: 'post',
      path: '/apis/{apiId}/documents/{documentId}/content',
      operationId: 'addAPIDocumentContent',
      summary: 'Set the content: inlineContent for INLINE and MARKDOWN documents, a file for FILE ones',
      tag,
      access: edit,
      params,
      multipart: {
        fields: { type: 'object', properties: { inlineContent: { type: 'string', maxLength: 1_000_000 } } },
        fileFields: ['file'],
      },
      responses: { 201: { description: 'Stored', schema: ref('Document') } },
      async handle({ params: p, body, files }) {
        const d = await findDocument(prisma, p.apiId!, p.documentId!, false);
        const file = files[0];
        let data: Prisma.ApiDocumentUpdateInput;
        if (d.sourceType === 'FILE') {
          if (!file || files.length > 1) throw badRequest('Upload exactly one file for a FILE document');
          data = {
            content: new Uint8Array(file.buffer),
            fileName: file.originalname,
            contentType: file.mimetype,
          };
        } else if (d.sourceType === 'INLINE' || d.sourceType === 'MARKDOWN') {
          if (body.inlineContent === undefined || file)
            throw badRequest(`A ${d.sourceType} document takes 'inlineContent', not a file`);
          data = {
            content: new Uint8Array(Buffer.from(body.inlineContent, 'utf8')),
            fileName: null,
            contentType: null,
          };
        } else throw badRequest("A URL document has no content: set its 'sourceUrl'");
        const updated = await prisma.apiDocument.update({ where: { id: d.id }, data, omit: METADATA });
        return { status: 201, body: dto(updated) };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/documents/{documentId}/content',
      operationId: 'getAPIDocumentContentByDocumentId',
      summary: "The document's content (a URL document redirects)",
      tag,
      access: view,
      params,
      responses: {
        200: {
          description: 'The content',
          schema: { type: 'string' },
          contentTypes: ['text/plain', 'text/markdown', 'application/octet-stream'],
        },
        303: { description: 'See the URL' },
      },
      async handle({ params: p }) {
        return contentResult(await findDocument(prisma, p.apiId!, p.documentId!, false));
      },
    }),
  ] as OperationSpec<never, never>[];
}

/** The developer portal's read-only view, for APIs the caller may see. */
export function devportalDocumentOperations(
  { prisma }: AppContext,
  visibleApi: (principal: Principal | undefined, apiId: string) => Promise<unknown>,
): OperationSpec<never, never>[] {
  const tag = 'Documents';
  return [
    operation({
      method: 'get',
      path: '/apis/{apiId}/documents',
      operationId: 'apisApiIdDocumentsGet',
      summary: "The API's documents",
      tag,
      access: 'public',
      params: { apiId: uuid },
      responses: { 200: { description: 'Documents', schema: ref('DocumentList') } },
      async handle({ principal, params: p }) {
        await visibleApi(principal, p.apiId!);
        const rows = await prisma.apiDocument.findMany({
          where: { apiId: p.apiId!, visibility: 'API_LEVEL' },
          omit: METADATA,
          orderBy: { name: 'asc' },
        });
        return { status: 200, body: { count: rows.length, list: rows.map(dto) } };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/documents/{documentId}',
      operationId: 'apisApiIdDocumentsDocumentIdGet',
      summary: 'One document',
      tag,
      access: 'public',
      params,
      responses: { 200: { description: 'The document', schema: ref('Document') } },
      async handle({ principal, params: p }) {
        await visibleApi(principal, p.apiId!);
        return { status: 200, body: dto(await findDocument(prisma, p.apiId!, p.documentId!, true)) };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/documents/{documentId}/content',
      operationId: 'apisApiIdDocumentsDocumentIdContentGet',
      summary: "The document's content (a URL document redirects)",
      tag,
      access: 'public',
      params,
      responses: {
        200: {
          description: 'The content',
          schema: { type: 'string' },
          contentTypes: ['text/plain', 'text/markdown', 'application/octet-stream'],
        },
        303: { description: 'See the URL' },
      },
      async handle({ principal, params: p }) {
        await visibleApi(principal, p.apiId!);
        return contentResult(await findDocument(prisma, p.apiId!, p.documentId!, true));
      },
    }),
  ] as OperationSpec<never, never>[];
}

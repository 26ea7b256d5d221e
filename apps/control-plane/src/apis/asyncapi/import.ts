/** Turns an AsyncAPI import request into a parsed document and the async API to create from it. */
import type { Publisher } from '@apim/rest-contract';
import { badRequest } from '../../http/errors.js';
import { importedApiInput } from '../import.js';
import { OpenApiError, type OpenApiSource } from '../openapi/parse.js';
import type { OperationDraft } from '../openapi/operations.js';
import {
  ASYNC_API_TYPES,
  endpointOfDocument,
  operationsOfDocument,
  typeOfDocument,
  type AsyncApiType,
} from './channels.js';
import { AsyncApiError, parseAsyncApi, type ParsedAsyncApi } from './parse.js';

/** The document, or a 400 naming what is wrong (the parser's diagnostics: path and message). */
export async function parseAsyncApiImport(
  source: OpenApiSource,
  allowHosts: readonly string[],
): Promise<ParsedAsyncApi> {
  try {
    return await parseAsyncApi(source, allowHosts);
  } catch (e) {
    if (e instanceof AsyncApiError || e instanceof OpenApiError) throw badRequest(e.message);
    throw e;
  }
}

/** The type given (checked), else the one the document's servers say; neither: a 400 asking for it. */
export function asyncTypeOf(parsed: ParsedAsyncApi, given: Publisher.API['type']): AsyncApiType {
  if (given !== undefined) {
    if (!(ASYNC_API_TYPES as readonly string[]).includes(given))
      throw badRequest(
        `An AsyncAPI document describes a ${ASYNC_API_TYPES.join(', ')} API, not ${given}: give one of those as 'type'`,
      );
    return given as AsyncApiType;
  }
  const type = typeOfDocument(parsed.model);
  if (!type)
    throw badRequest(
      `The document's servers do not say whether this is a WebSocket, SSE or WebSub API (ws/wss, sse or http with text/event-stream, websub/http): give 'type' (${ASYNC_API_TYPES.join(', ')}) in additionalProperties`,
    );
  return type;
}

/** The operations of a document for an API of `type`; a document without channels is refused. */
export function asyncOperationsOf(parsed: ParsedAsyncApi, type: AsyncApiType): OperationDraft[] {
  const operations = operationsOfDocument(parsed.model, type);
  if (!operations.length)
    throw badRequest(
      'The AsyncAPI document gives no operations: it needs channels (with a send/subscribe or receive/publish operation for a WebSocket API)',
    );
  return operations;
}

/** The API to create: the caller's additionalProperties over what the document says. */
export function importedAsyncApiInput(
  parsed: ParsedAsyncApi,
  given: Partial<Publisher.API>,
): { input: Publisher.API; operations: OperationDraft[] } {
  const type = asyncTypeOf(parsed, given.type);
  const input = importedApiInput(parsed, given);
  return {
    input: { ...input, type, endpointConfig: input.endpointConfig ?? endpointOfDocument(parsed.model, type) },
    operations: asyncOperationsOf(parsed, type),
  };
}

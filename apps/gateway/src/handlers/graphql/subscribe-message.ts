/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol, subprotocol graphql-transport-ws):
 * each `subscribe` message a client sends is checked as an HTTP request's operation is (the
 * document against the schema, only subscriptions, each field's scopes, the tier's depth and
 * complexity). A refused one is answered to the client with a graphql-ws `error` message for its
 * id, WSO2's code in each error's extensions, and never reaches the backend; the socket stays
 * open. Every other message passes as it is.
 */
import type { MessageVerdict, RequestContext, StreamMessage } from '../../pipeline/types.js';
import { graphqlErrorResponse, subscribeError } from './graphql-errors.js';
import { admitOperation, type GraphqlApi } from './handler.js';
import { graphqlRequestOf } from './request.js';

interface SubscribeMessage {
  id: string;
  type: 'subscribe';
  payload?: unknown;
}

/** The client's message when it is a subscribe (graphql-ws messages are JSON text). */
function subscribeOf(message: StreamMessage): SubscribeMessage | null {
  if (message.direction !== 'in' || message.binary) return null;
  let m: unknown;
  try {
    m = JSON.parse(message.data.toString('utf8'));
  } catch {
    return null; // not graphql-ws: the backend closes the socket (4400), as the protocol says
  }
  const s = m as Partial<SubscribeMessage> | null;
  return s?.type === 'subscribe' && typeof s.id === 'string' ? (s as SubscribeMessage) : null;
}

export async function onSubscribeMessage(
  ctx: RequestContext,
  message: StreamMessage,
  api: GraphqlApi,
): Promise<MessageVerdict> {
  const subscribe = subscribeOf(message);
  if (!subscribe) return undefined;
  const payload = subscribe.payload;
  const request =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? graphqlRequestOf(payload as Record<string, unknown>)
      : 'A subscribe message carries a payload {"query", "variables", "operationName"}';
  if (typeof request === 'string')
    return { reply: subscribeError(subscribe.id, graphqlErrorResponse('GRAPHQL_INVALID_QUERY', request)) };
  // the message goes on as the client sent it, so the backend needs the query's text in it
  if (request.query === undefined)
    return {
      reply: subscribeError(
        subscribe.id,
        graphqlErrorResponse('GRAPHQL_INVALID_QUERY', 'A subscribe over WebSocket carries its query'),
      ),
    };
  const admitted = await admitOperation(ctx, request, api, true);
  return 'refused' in admitted ? { reply: subscribeError(subscribe.id, admitted.refused) } : undefined;
}

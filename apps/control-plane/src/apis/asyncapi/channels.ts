/**
 * What an AsyncAPI document brings to its API: the API type its servers' protocols say, the
 * operations its channels give (WSO2's SUBSCRIBE and PUBLISH, the target the channel's address with
 * its parameters as `{id}`), and the backend its first server names.
 */
import type { AsyncAPIDocumentInterface, ChannelInterface } from '@asyncapi/parser';
import type { Publisher } from '@apim/rest-contract';
import type { OperationDraft } from '../openapi/operations.js';

export type AsyncApiType = 'WS' | 'SSE' | 'WEBSUB';
export const ASYNC_API_TYPES: readonly AsyncApiType[] = ['WS', 'SSE', 'WEBSUB'];

const EVENT_STREAM = 'text/event-stream';

/** The type one server's protocol says, or undefined for a protocol this product does not proxy. */
function typeOfProtocol(protocol: string, eventStream: boolean): AsyncApiType | undefined {
  switch (protocol.toLowerCase()) {
    case 'ws':
    case 'wss':
      return 'WS';
    case 'sse':
      return 'SSE';
    case 'websub':
      return 'WEBSUB';
    case 'http':
    case 'https':
      // over plain HTTP, a stream of events is SSE; anything else is a hub's callbacks (webhooks)
      return eventStream ? 'SSE' : 'WEBSUB';
    default:
      return undefined;
  }
}

/**
 * The API type of a document: the one its servers' protocols agree on. No server, servers of other
 * protocols (kafka, mqtt...) or of two types: undefined, and the caller must say.
 */
export function typeOfDocument(model: AsyncAPIDocumentInterface): AsyncApiType | undefined {
  const eventStream =
    model.defaultContentType() === EVENT_STREAM ||
    model
      .allMessages()
      .all()
      .some((m) => m.contentType() === EVENT_STREAM);
  const types = new Set(
    model
      .servers()
      .all()
      .map((s) => typeOfProtocol(s.protocol(), eventStream)),
  );
  const [only] = types;
  return types.size === 1 ? only : undefined;
}

/** A channel's address as a resource path: leading slash; `{param}` stays as the gateway's template. */
function targetOf(channel: ChannelInterface): string {
  const address = channel.address() ?? channel.id();
  return address.startsWith('/') ? address : `/${address}`;
}

const draft = (verb: OperationDraft['verb'], target: string): OperationDraft => ({
  verb,
  target,
  authEnabled: true,
  scopes: [],
  throttlingPolicy: null,
});

/**
 * The API's operations. A WebSocket API's channel gives SUBSCRIBE when the server sends on it
 * (2.x `subscribe`, 3.x `send`) and PUBLISH when clients send (2.x `publish`, 3.x `receive`); a
 * channel of an SSE or WebSub API is a stream or topic clients receive: one SUBSCRIBE.
 */
export function operationsOfDocument(model: AsyncAPIDocumentInterface, type: AsyncApiType): OperationDraft[] {
  const out: OperationDraft[] = [];
  for (const channel of model.channels().all()) {
    const target = targetOf(channel);
    const operations = channel.operations().all();
    if (type !== 'WS') {
      out.push(draft('SUBSCRIBE', target));
      continue;
    }
    if (operations.some((o) => o.isSend())) out.push(draft('SUBSCRIBE', target));
    if (operations.some((o) => o.isReceive())) out.push(draft('PUBLISH', target));
  }
  return out;
}

/**
 * The backend of a WS or SSE API: its first server of that type, when its URL is complete (no
 * `{variable}`). A WebSocket handshake is an HTTP request, so ws:// and wss:// become http:// and
 * https:// endpoints. A WebSub API's events come from its publisher through the hub: none.
 */
export function endpointOfDocument(
  model: AsyncAPIDocumentInterface,
  type: AsyncApiType,
): Publisher.EndpointConfig | undefined {
  if (type === 'WEBSUB') return undefined;
  const server = model
    .servers()
    .all()
    .find((s) => typeOfProtocol(s.protocol(), type === 'SSE') === type);
  const url = server
    ?.url()
    .replace(/^ws(s?):/i, 'http$1:')
    .replace(/^sse:/i, 'http:');
  if (!url || url.includes('{') || !/^https?:\/\//i.test(url)) return undefined;
  return { endpoint_type: 'http', production_endpoints: { url }, sandbox_endpoints: { url } };
}

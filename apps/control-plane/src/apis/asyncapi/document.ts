/**
 * An async API's AsyncAPI document: the one it was imported with, or one made from its operations
 * (an API created without a document); for the developer portal, with servers that are the
 * gateways' URLs of the API instead of its backend.
 */
import type { ApiRow } from '../api-model.js';
import type { AsyncApiType } from './channels.js';

type Obj = Record<string, unknown>;

export const isAsyncApiDocument = (doc: unknown): doc is Obj =>
  !!doc && typeof doc === 'object' && typeof (doc as Obj).asyncapi === 'string';

/** The protocol a gateway URL is given in, by API type and scheme. */
function gatewayProtocol(type: AsyncApiType, secure: boolean): string {
  if (type === 'WS') return secure ? 'wss' : 'ws';
  if (type === 'WEBSUB') return secure ? 'https' : 'http';
  return 'sse';
}

/** A 2.6 document of the API's channels, for an API that was not imported from one. */
function generated(api: ApiRow): Obj {
  const channels: Obj = {};
  for (const o of api.operations) {
    const channel = (channels[o.target] ??= {}) as Obj;
    const direction = o.verb === 'PUBLISH' ? 'publish' : 'subscribe';
    channel[direction] = { message: { payload: { type: 'string' } } };
    const params = [...o.target.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    if (params.length)
      channel.parameters = Object.fromEntries(params.map((p) => [p, { schema: { type: 'string' } }]));
  }
  return {
    asyncapi: '2.6.0',
    info: {
      title: api.name,
      version: api.version,
      ...(api.description ? { description: api.description } : {}),
    },
    channels,
  };
}

/** The API's document as the publisher sees it (and can import again elsewhere). */
export function asyncApiOf(api: ApiRow): Obj {
  const doc = isAsyncApiDocument(api.definition) ? structuredClone(api.definition) : generated(api);
  // the API's name and version, which the publisher may have chosen over the imported document's
  doc.info = { ...(doc.info as Obj), title: api.name, version: api.version };
  // the context is no part of AsyncAPI: carried as the OpenAPI export carries it, so an import recreates it
  doc['x-wso2-basePath'] = `${api.context}/${api.version}`;
  return doc;
}

/** Where the gateways serve the API, one entry per environment (catalog's endpointUrls). */
export interface GatewayUrls {
  environmentName: string;
  /** https: null when the gateways have no HTTPS listener */
  URLs: { http: string; https: string | null };
}

/** The document with the gateways' URLs of the API as its servers (2.x url, 3.x host + pathname). */
export function withGatewayServers(doc: Obj, type: AsyncApiType, endpoints: GatewayUrls[]): Obj {
  const v3 = String(doc.asyncapi).startsWith('3.');
  const servers: Obj = {};
  for (const e of endpoints)
    for (const [scheme, url] of Object.entries(e.URLs)) {
      if (url === null) continue;
      const u = new URL(url);
      const protocol = gatewayProtocol(type, scheme === 'https');
      servers[`${e.environmentName}-${scheme}`] = v3
        ? { host: u.host, pathname: u.pathname, protocol }
        : { url: `${type === 'WS' ? protocol : u.protocol.slice(0, -1)}://${u.host}${u.pathname}`, protocol };
    }
  const out: Obj = { ...doc, servers };
  delete out['x-wso2-basePath'];
  if (v3) {
    // 3.x channels may name servers that are not the gateways': every channel is served on them all
    const channels = (out.channels ?? {}) as Record<string, Obj>;
    out.channels = Object.fromEntries(
      Object.entries(channels).map(([id, c]) => {
        const { servers: _servers, ...rest } = c;
        return [id, rest];
      }),
    );
  }
  return out;
}

/** The channels of an AsyncAPI 2.x or 3.x document, in one shape for the developer portal. */

export interface Channel {
  /** the address, parameters as `{name}` */
  address: string;
  description?: string;
  /** what a client may do: receive what the server sends, send to the server */
  receive: boolean;
  send: boolean;
  parameters: string[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

function withSlash(address: string): string {
  return address.startsWith('/') ? address : `/${address}`;
}

/**
 * 2.x: `subscribe` is what clients receive and `publish` what they send. 3.x describes the server:
 * its `send` operations are what clients receive, its `receive` operations what they send.
 */
export function channelsOf(doc: unknown): Channel[] {
  const d = obj(doc);
  const channels = obj(d.channels);
  const v3 = String(d.asyncapi ?? '').startsWith('3.');
  const actions = new Map<string, Set<string>>();
  if (v3)
    for (const op of Object.values(obj(d.operations))) {
      const ref = String(obj(obj(op).channel).$ref ?? '');
      const id = decodeURIComponent(ref.replace(/^#\/channels\//, ''))
        .replace(/~1/g, '/')
        .replace(/~0/g, '~');
      const set = actions.get(id) ?? new Set<string>();
      set.add(String(obj(op).action));
      actions.set(id, set);
    }
  return Object.entries(channels).map(([id, raw]) => {
    const c = obj(raw);
    const address = withSlash(v3 ? String(c.address ?? id) : id);
    const done = actions.get(id);
    return {
      address,
      description: typeof c.description === 'string' ? c.description : undefined,
      receive: v3 ? !!done?.has('send') : 'subscribe' in c,
      send: v3 ? !!done?.has('receive') : 'publish' in c,
      parameters: [...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
    };
  });
}

/** A channel's path with its parameters filled in (each encoded as a path segment). */
export function channelPath(address: string, values: Record<string, string>): string {
  return address.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
}

/** The gateway's ws:// or wss:// URL of a channel, with the token in the query as browsers must give it. */
export function socketUrl(httpBase: string, path: string, token: string): string {
  const url = new URL(`${httpBase.replace(/^http/, 'ws')}${path}`);
  if (token) url.searchParams.set('access_token', token);
  return url.toString();
}

/**
 * A subscriber's hub request (W3C WebSub 5.1): hub.mode, hub.topic, hub.callback, hub.secret and
 * hub.lease_seconds, checked before anything is queued. A topic is one of the WEBSUB API's
 * operations, named by its target (`/orders/created`) or by its URL at a gateway
 * (`https://gw/orders/1.0.0/orders/created`).
 */
import { badRequest } from '../http/errors.js';
import type { OutboundUrlPolicy } from '@apim/service';

export const DEFAULT_LEASE_SECONDS = 10 * 24 * 3600;
export const MAX_LEASE_SECONDS = 30 * 24 * 3600;
/** WebSub: a secret MUST be less than 200 bytes */
const MAX_SECRET_BYTES = 199;

export interface HubRequest {
  mode: 'subscribe' | 'unsubscribe';
  topic: string;
  givenTopic: string;
  callback: string;
  secret?: string;
  leaseSeconds: number;
}

export interface TopicApi {
  context: string;
  version: string;
  operations: Array<{ verb: string; target: string }>;
}

function topicOf(api: TopicApi, given: string): string | undefined {
  const topics = api.operations.filter((o) => o.verb === 'SUBSCRIBE').map((o) => o.target);
  if (topics.includes(given)) return given;
  let path: string;
  try {
    path = new URL(given).pathname;
  } catch {
    return undefined;
  }
  const base = `${api.context}/${api.version}`;
  return topics.find((t) => path === `${base}${t}` || path.endsWith(`${base}${t}`));
}

/** The topic of an API named in a request, or a 400 listing the API's topics. */
export function requireTopic(api: TopicApi, given: unknown): string {
  const topic = typeof given === 'string' ? topicOf(api, given) : undefined;
  if (!topic) {
    const known = api.operations.filter((o) => o.verb === 'SUBSCRIBE').map((o) => o.target);
    throw badRequest(`'hub.topic' must be one of the API's topics: ${known.join(', ') || '(it has none)'}`);
  }
  return topic;
}

export async function readHubRequest(
  api: TopicApi,
  form: Record<string, unknown>,
  policy: OutboundUrlPolicy,
): Promise<HubRequest> {
  const mode = form['hub.mode'];
  if (mode !== 'subscribe' && mode !== 'unsubscribe')
    throw badRequest("'hub.mode' must be subscribe or unsubscribe");
  const topic = requireTopic(api, form['hub.topic']);
  const callback = form['hub.callback'];
  if (typeof callback !== 'string' || !/^https?:\/\//i.test(callback))
    throw badRequest("'hub.callback' must be an http(s) URL");
  const refused = await policy.refusal(callback);
  if (refused) throw badRequest(`'hub.callback' is refused: ${refused}`);
  const secret = form['hub.secret'];
  if (
    secret !== undefined &&
    (typeof secret !== 'string' || !secret || Buffer.byteLength(secret) > MAX_SECRET_BYTES)
  )
    throw badRequest(`'hub.secret' must be 1 to ${MAX_SECRET_BYTES} bytes`);
  const lease = form['hub.lease_seconds'];
  if (lease !== undefined && !(typeof lease === 'string' && /^[1-9][0-9]{0,9}$/.test(lease)))
    throw badRequest("'hub.lease_seconds' must be a whole number of seconds");
  return {
    mode,
    topic,
    givenTopic: form['hub.topic'] as string,
    callback,
    secret,
    // as the spec lets a hub, a lease is kept within the hub's bounds rather than refused
    leaseSeconds: Math.min(lease ? Number(lease) : DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS),
  };
}

/**
 * Calls to subscribers' callbacks: only to URLs the outbound URL policy allows (never link-local or
 * cloud metadata addresses, checked again at each connection so a name that resolves there later
 * is still refused), no redirects followed, short timeouts, the answer's body read up to a bound.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';
import type { OutboundUrlPolicy } from '@apim/service';

const TIMEOUT_MS = 10_000;
/** more than any challenge; a callback's answer is otherwise ignored */
const MAX_ANSWER_BYTES = 4096;

export interface CallbackAnswer {
  status: number;
  body: string;
}

/** `sha256=<hex HMAC-SHA256 of the body with the subscriber's secret>`, WebSub's X-Hub-Signature. */
export function hubSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function callbackClient(policy: OutboundUrlPolicy) {
  const dispatcher = new Agent({
    connect: { lookup: policy.lookup },
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });

  async function call(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<CallbackAnswer> {
    const res = await request(url, { method, headers, body, dispatcher });
    let text = '';
    for await (const chunk of res.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length > MAX_ANSWER_BYTES) {
        res.body.destroy();
        break;
      }
    }
    return { status: res.statusCode, body: text };
  }

  return {
    /** Verification of intent: the callback with hub.* parameters added to its query. */
    verify(callback: string, params: Record<string, string>): Promise<CallbackAnswer> {
      const url = new URL(callback);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return call('GET', url.toString());
    },
    deliver(callback: string, headers: Record<string, string>, body: Buffer): Promise<CallbackAnswer> {
      return call('POST', callback, headers, body);
    },
    close: () => dispatcher.close(),
  };
}

export type CallbackClient = ReturnType<typeof callbackClient>;

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `Expect: 100-continue` (RFC 9110 §10.1.1): the client waits for an interim 100 before sending its
 * body. Node sends it before the request is even routed; instead the gateway invites the body only
 * when something is about to read it, so that a request refused on its headers (unknown resource, no
 * credentials, throttled, declared body too large) is answered without the client uploading it.
 */
const PENDING = Symbol('expects 100-continue');

type Expecting = IncomingMessage & { [PENDING]?: ServerResponse };

/** The server's 'checkContinue' listener: remembers the invitation owed, then serves the request. */
export function deferContinue(serve: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    (req as Expecting)[PENDING] = res;
    serve(req, res);
  };
}

/** Sends the 100 the client waits for, once, if it asked for one: call before reading the body. */
export function inviteBody(req: IncomingMessage): void {
  const res = (req as Expecting)[PENDING];
  if (res === undefined) return;
  (req as Expecting)[PENDING] = undefined;
  if (!res.headersSent) res.writeContinue();
}

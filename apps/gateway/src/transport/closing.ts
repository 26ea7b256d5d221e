import type { Socket } from 'node:net';

/**
 * Connections the gateway answered with `Connection: close` (a request it could not trust the
 * framing of). Node's parser reads pipelined requests behind it before the socket closes and hands
 * them to the server all the same: they must not be served, since the bytes they came from follow
 * a request the gateway refused to read.
 */
const CLOSING = Symbol('apim.closing');

type Marked = Socket & { [CLOSING]?: true };

export function markClosing(socket: Socket): void {
  (socket as Marked)[CLOSING] = true;
}

export function isClosing(socket: Socket): boolean {
  return (socket as Marked)[CLOSING] === true;
}

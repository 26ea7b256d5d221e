import type { Readable } from 'node:stream';
import { limitedStream } from '../builders/body.js';
import type { Context } from '../pipeline/context.js';
import { inviteBody } from '../transport/expect-continue.js';

export type BackendBody = Buffer | Readable | null;

function hasBody(ctx: Context): boolean {
  const h = ctx.req.headers;
  return h['transfer-encoding'] !== undefined || (h['content-length'] ?? '0') !== '0';
}

/**
 * What the backend is sent: the body a handler buffered, else the client's stream, passed through a
 * limit (and counted when a handler asked for byte counts) unless its declared length was checked.
 */
export function backendBody(ctx: Context): BackendBody | Promise<Buffer> {
  const buffered = ctx.bufferedBody();
  if (buffered)
    return buffered.then((raw) => {
      ctx.requestBytes = raw.length;
      return raw;
    });
  if (!hasBody(ctx)) return null;
  inviteBody(ctx.req);
  if (ctx.req.headers['content-length'] !== undefined && !ctx.countingBytes) return ctx.req;
  return limitedStream(ctx.req, ctx.maxBodyBytes, ctx.countingBytes ? ctx : null);
}

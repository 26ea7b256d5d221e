import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ParsedBody } from '../pipeline/types.js';

export class BodyError extends Error {
  constructor(
    readonly kind: 'too-large' | 'malformed' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

/** Reads a whole request body, refusing more than `max` bytes. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        reject(new BodyError('too-large', `The request body exceeds ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', () => reject(new BodyError('aborted', 'The request body was not received completely')));
    req.on('aborted', () => reject(new BodyError('aborted', 'The request body was not received completely')));
  });
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The message builder: turns a body into a value by its Content-Type (JSON, XML, form, text);
 * anything else stays bytes. Malformed JSON or XML throws BodyError('malformed').
 */
export function buildMessage(contentType: string | undefined, raw: Buffer): ParsedBody {
  if (raw.length === 0) return { kind: 'empty', raw };
  const type = mediaType(contentType);
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { kind: 'json', raw, value: JSON.parse(raw.toString('utf8')) };
    } catch (e) {
      throw new BodyError('malformed', `The JSON body is malformed: ${(e as Error).message}`);
    }
  }
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) {
    const text = raw.toString('utf8');
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw new BodyError('malformed', `The XML body is malformed: ${valid.err.msg}`);
    return { kind: 'xml', raw, value: xml.parse(text) };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const value: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
      const prev = value[k];
      value[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    return { kind: 'form', raw, value };
  }
  if (type.startsWith('text/')) return { kind: 'text', raw, value: raw.toString('utf8') };
  return { kind: 'bytes', raw };
}

/**
 * Passes a streamed body through, failing with BodyError('too-large') past `max` bytes; adds what
 * passed to `count.requestBytes` when the exchange's bytes are counted.
 */
export function limitedStream(
  req: IncomingMessage,
  max: number,
  count: { requestBytes: number } | null = null,
): Transform {
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > max) done(new BodyError('too-large', `The request body exceeds ${max} bytes`));
      else {
        if (count) count.requestBytes += chunk.length;
        done(null, chunk);
      }
    },
  });
  req.on('error', (e) => t.destroy(e));
  return req.pipe(t);
}

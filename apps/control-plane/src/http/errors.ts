import http from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorRequestHandler } from 'express';
import { isDatabaseUnavailable } from '@apim/db';
import type { Logger } from '@apim/service';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An error answered to the caller as WSO2's error body: { code, message, description }. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);
export const badRequest = (description: string) => new HttpError(400, description);
export const conflict = (description: string) => new HttpError(409, description);

export interface ErrorBody {
  code: number;
  message: string;
  description: string;
  moreInfo: string;
  error: unknown[];
}

export function errorBody(status: number, description: string): ErrorBody {
  return { code: status, message: TITLES[status] ?? 'Error', description, moreInfo: '', error: [] };
}

/**
 * Requests Node refuses before the application sees them (headers or URL too large, malformed
 * framing, too slow) answered in the same error body as every other, then the connection closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, description] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'The request line and headers are larger than the server accepts (16 KB): shorten the URL or headers',
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time']
        : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify(errorBody(status, description));
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** True for Prisma's "unique constraint failed". */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown }).code === 'P2002';
}

/** A `.catch` handler turning a unique-constraint failure into a 409 with this description. */
export function conflictOnDuplicate(description: string): (e: unknown) => never {
  return (e) => {
    throw isUniqueViolation(e) ? conflict(description) : e;
  };
}

/** Seconds a caller is asked to wait while the database cannot be reached (a restart's order). */
const DATABASE_RETRY_AFTER_S = 5;

/**
 * A database that cannot be reached (down, restarting, the connection cut) answers 503 with
 * Retry-After, not 500: the same request may succeed once it is back.
 */
const databaseUnavailable = () =>
  new HttpError(503, 'The database cannot be reached at the moment: try again shortly', {
    'retry-after': String(DATABASE_RETRY_AFTER_S),
  });

/** Prisma's "unique constraint failed" and "record not found" as HTTP errors. */
function fromPrisma(e: unknown): HttpError | undefined {
  const code = (e as { code?: unknown }).code;
  if (code === 'P2002')
    return new HttpError(409, 'A resource with the same unique attributes already exists');
  if (code === 'P2025') return new HttpError(404, 'The resource was not found');
  return undefined;
}

/** Express error handler: known errors become their status, anything else a logged 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known =
      err instanceof HttpError
        ? err
        : (err as { type?: string }).type === 'entity.parse.failed'
          ? new HttpError(400, 'The request body is not valid JSON')
          : (err as { type?: string }).type === 'entity.too.large'
            ? new HttpError(413, 'The request body is too large')
            : (err as { code?: string }).code === 'LIMIT_FILE_SIZE'
              ? new HttpError(413, 'An uploaded file is too large')
              : (err as { name?: string }).name === 'MulterError'
                ? new HttpError(400, (err as Error).message)
                : isDatabaseUnavailable(err)
                  ? databaseUnavailable()
                  : fromPrisma(err);
    if (!known) log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    else if (!(err instanceof HttpError) && known.status === 503)
      // Prisma's message ends with the driver's reason; its stack says nothing more
      log.warn(
        {
          reason: String((err as Error).message)
            .trim()
            .split('\n')
            .pop(),
          method: req.method,
          url: req.originalUrl,
        },
        'database unavailable',
      );
    const status = known?.status ?? 500;
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(known?.headers ?? {})) res.setHeader(k, v);
    res
      .status(status)
      .json(errorBody(status, known?.description ?? 'The server could not complete the request'));
  };
}

/**
 * Whether an error from a Prisma call means the database cannot be reached right now (down,
 * restarting, refusing connections, the connection cut), rather than that the query was wrong.
 * Callers answer such errors with 503 and Retry-After instead of 500: the request may succeed
 * as it is once the database is back.
 */

/** Prisma's codes: can't reach the server, timed out reaching it, closed the connection, pool timeout. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** What the pg driver adapter reports for a refused, reset, timed-out or exhausted connection. */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** Node's socket errors the pg driver passes on as they are. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
/**
 * Postgres' SQLSTATEs for a server going away: class 08 (connection exception), 57P01-57P03
 * (shut down by the administrator, crash, cannot connect now), 53300 (too many connections).
 */
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** pg's own errors carry no code: a connection ended under a query, or not made in time. */
const PG_MESSAGES =
  /Connection terminated|Can't reach database server|timeout exceeded when trying to connect/i;

interface Inspected {
  name?: unknown;
  code?: unknown;
  errorCode?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

export function isDatabaseUnavailable(error: unknown): boolean {
  // a wrapped error (Prisma's `cause`, a transaction's) is followed a few levels down
  for (let e = error as Inspected | undefined, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e.name === 'PrismaClientInitializationError') return true;
    const code = typeof e.code === 'string' ? e.code : typeof e.errorCode === 'string' ? e.errorCode : '';
    if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code)) return true;
    const adapter = e.meta?.driverAdapterError?.cause;
    if (adapter && (ADAPTER_KINDS.has(adapter.kind as string) || SQLSTATE.test(String(adapter.code))))
      return true;
    if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
    e = e.cause as Inspected | undefined;
  }
  return false;
}

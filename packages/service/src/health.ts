import type { IncomingMessage, ServerResponse } from 'node:http';

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  status: 'ok' | 'error';
  checks: Record<string, { status: 'ok' } | { status: 'error'; error: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(check: ReadinessCheck): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
    check().then(
      () => {
        clearTimeout(t);
        resolve();
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export async function readiness(checks: Record<string, ReadinessCheck>): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check);
        return [name, { status: 'ok' as const }] as const;
      } catch (e) {
        return [name, { status: 'error' as const, error: (e as Error).message || String(e) }] as const;
      }
    }),
  );
  const report: ReadinessReport['checks'] = Object.fromEntries(entries);
  const ok = Object.values(report).every((c) => c.status === 'ok');
  return { status: ok ? 'ok' : 'error', checks: report };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * Answers /healthz (alive) and /readyz (dependencies reachable) on a plain node:http request;
 * returns false when the path is neither, so callers can mount it in front of any framework.
 */
export function handleHealth(
  req: IncomingMessage,
  res: ServerResponse,
  checks: Record<string, ReadinessCheck>,
): boolean {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return true;
  }
  if (path === '/readyz') {
    void readiness(checks).then((r) => sendJson(res, r.status === 'ok' ? 200 : 503, r));
    return true;
  }
  return false;
}

/**
 * /healthz, and /readyz reporting every dependency. Without a `required` one the instance cannot
 * serve: 503. Without an `optional` one it still serves in a lesser way: 200 with status
 * "degraded", so a load balancer keeps the instance while its report says what is missing.
 */
export function healthEndpoints(
  required: Record<string, ReadinessCheck>,
  optional: Record<string, ReadinessCheck>,
) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if ((req.url ?? '').split('?')[0] !== '/readyz') return handleHealth(req, res, {});
    void readiness({ ...required, ...optional }).then((report) => {
      const usable = Object.keys(required).every((name) => report.checks[name]?.status === 'ok');
      const status = report.status === 'ok' ? 'ok' : usable ? 'degraded' : 'error';
      sendJson(res, usable ? 200 : 503, { status, checks: report.checks });
    });
    return true;
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleHealth, readiness, type ReadinessCheck } from '@apim/service';

/**
 * /healthz, and /readyz reporting every dependency. Without a `required` one (the database) no
 * token can be issued: 503. Without an `optional` one (Redis, which only holds the brute-force
 * counters) tokens are still issued: 200 with status "degraded", so a load balancer keeps the
 * instance while its report says what is missing.
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
      res.writeHead(usable ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ status, checks: report.checks }));
    });
    return true;
  };
}

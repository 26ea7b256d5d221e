/**
 * The suite's clients, through the load balancer: a steady paced load on one API that records every
 * outcome (so failures are counted exactly and attributed to the node nginx names), the rate-limit
 * probe that tells how many requests each fixed minute window admitted, and a developer creating
 * subscriptions one after another.
 */
import { Agent, request } from 'undici';

export interface Failure {
  /** ms since the load started */
  at: number;
  what: string;
  /** the node or nodes nginx tried (X-Upstream) */
  upstream: string;
}

export interface Tally {
  sent: number;
  /** answers made by a gateway (JSON), by status: what the gateways' analytics must count */
  byStatus: Record<number, number>;
  failures: Failure[];
  latenciesMs: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A GET through the load balancer; an answer nginx made itself (502/504 HTML) is not a gateway's. */
async function call(dispatcher: Agent, url: string, token: string) {
  const started = performance.now();
  try {
    const res = await request(url, {
      dispatcher,
      headers: { authorization: `Bearer ${token}` },
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    await res.body.dump();
    const upstream = String(res.headers['x-upstream'] ?? '');
    const fromGateway = String(res.headers['content-type'] ?? '').includes('json');
    return { status: res.statusCode, fromGateway, upstream, ms: performance.now() - started };
  } catch (e) {
    return {
      status: 0,
      fromGateway: false,
      upstream: '',
      error: (e as Error).message,
      ms: performance.now() - started,
    };
  }
}

export interface Load {
  tally: Tally;
  stop(): Promise<Tally>;
}

/**
 * `rate` requests a second from `connections` concurrent clients, each paced on its share of the
 * rate (a request late because the previous was slow goes at once, it is not skipped). Statuses
 * other than `expected` are failures.
 */
export function steadyLoad(options: {
  url: string;
  token: string;
  rate: number;
  connections: number;
  expected?: number[];
}): Load {
  const expected = new Set(options.expected ?? [200]);
  const dispatcher = new Agent({ connections: options.connections, keepAliveTimeout: 30_000 });
  const tally: Tally = { sent: 0, byStatus: {}, failures: [], latenciesMs: [] };
  const start = performance.now();
  const interval = (1000 * options.connections) / options.rate;
  let running = true;
  const worker = async (offset: number) => {
    for (let n = 0; running; n++) {
      const due = start + offset + n * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (!running) break;
      tally.sent++;
      const r = await call(dispatcher, options.url, options.token);
      if (r.fromGateway) tally.byStatus[r.status] = (tally.byStatus[r.status] ?? 0) + 1;
      tally.latenciesMs.push(r.ms);
      if (!expected.has(r.status))
        tally.failures.push({
          at: Math.round(performance.now() - start),
          what: r.error ?? `status ${r.status}`,
          upstream: r.upstream,
        });
    }
  };
  const workers = Array.from({ length: options.connections }, (_, i) =>
    worker((i * interval) / options.connections),
  );
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(workers);
      await dispatcher.close();
      return tally;
    },
  };
}

export interface ProbeWindow {
  /** the window's start (epoch ms, a multiple of a minute: the gateways' fixed windows) */
  window: number;
  sent: number;
  admitted: number;
  /**
   * admitted requests of this window answered after it ended: the gateway may have counted them in
   * the next window (it counts a request in the window it arrives in, which the probe cannot see)
   */
  admittedLate: number;
  throttled: number;
  failed: number;
}

/**
 * Requests of the rate-limited subscription at `perSecond`, sent only between seconds 3 and 55 of
 * each minute, so that every request falls in the gateways' window of the minute it was sent in
 * (the windows are fixed, on whole minutes of the shared clock). Requests go out on schedule
 * without waiting for earlier answers, so a slow answer does not thin the probe out.
 */
export function limitProbe(url: string, token: string, perSecond: number) {
  const dispatcher = new Agent({ connections: 16 });
  const windows = new Map<number, ProbeWindow>();
  const tally: Tally = { sent: 0, byStatus: {}, failures: [], latenciesMs: [] };
  const pending = new Set<Promise<void>>();
  let running = true;
  const start = performance.now();
  const send = async (w: ProbeWindow) => {
    const r = await call(dispatcher, url, token);
    if (r.fromGateway) tally.byStatus[r.status] = (tally.byStatus[r.status] ?? 0) + 1;
    if (r.status === 200) {
      w.admitted++;
      if (Date.now() >= w.window + 60_000) w.admittedLate++;
    } else if (r.status === 429) w.throttled++;
    else {
      w.failed++;
      tally.failures.push({
        at: Math.round(performance.now() - start),
        what: r.error ?? `status ${r.status}`,
        upstream: r.upstream,
      });
    }
  };
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const wait = start + (n * 1000) / perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      const now = Date.now();
      const second = (now % 60_000) / 1000;
      if (second < 3 || second > 55) continue;
      const window = now - (now % 60_000);
      const w = windows.get(window) ?? {
        window,
        sent: 0,
        admitted: 0,
        admittedLate: 0,
        throttled: 0,
        failed: 0,
      };
      windows.set(window, w);
      w.sent++;
      tally.sent++;
      const p = send(w).finally(() => pending.delete(p));
      pending.add(p);
    }
  })();
  return {
    tally,
    async stop(): Promise<ProbeWindow[]> {
      running = false;
      await loop;
      await Promise.all(pending);
      await dispatcher.close();
      return [...windows.values()];
    },
  };
}

/** Repeats `step` (one after another, `pauseMs` apart) until stopped; keeps what succeeded and what failed. */
export function repeat<T>(step: (n: number) => Promise<T>, pauseMs: number) {
  const done: T[] = [];
  const failed: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      try {
        done.push(await step(n));
      } catch (e) {
        failed.push((e as Error).message);
      }
      await sleep(pauseMs);
    }
  })();
  return {
    done,
    failed,
    async stop() {
      running = false;
      await loop;
      return { done, failed };
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

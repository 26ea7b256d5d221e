// Loaded into every process of the soak with `node --import` (NODE_OPTIONS): every 10 s it appends
// the event-loop delay seen since the previous line (perf_hooks' histogram, the same measure as
// prom-client's nodejs_eventloop_lag) and the heap to APIM_SOAK_STATS_DIR/<pid>.jsonl. The control
// plane and the key manager have no metrics endpoint, and a gateway's /metrics mixes its workers;
// one measure taken alike in every process keeps the curves comparable.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.APIM_SOAK_STATS_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.jsonl`);
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      t: Date.now(),
      ppid: process.ppid,
      heapUsed: m.heapUsed,
      rss: m.rss,
      loopP50Ms: h.percentile(50) / 1e6,
      loopP99Ms: h.percentile(99) / 1e6,
      loopMaxMs: h.max / 1e6,
    };
    h.reset();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 10_000).unref();
}

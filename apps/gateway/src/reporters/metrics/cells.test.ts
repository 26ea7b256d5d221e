import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from './cells.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const SAMPLES = [0.0005, 0.001, 0.002, 0.05, 0.05, 0.5, 3, 0.01];

/** the same observations through prom-client's own metrics and through ours */
function both() {
  const theirs = new Registry();
  const ours = new Registry();
  const h = new Histogram({
    name: 'x_seconds',
    help: 'h',
    labelNames: ['api'],
    buckets: BOUNDS,
    registers: [theirs],
  });
  const c = new Counter({ name: 'x_total', help: 'c', labelNames: ['api', 'status'], registers: [theirs] });
  const fh = new FastHistogram('x_seconds', 'h', ['api'], BOUNDS, ours);
  const fc = new FastCounter('x_total', 'c', ['api', 'status'], ours);
  for (const [i, v] of SAMPLES.entries()) {
    const api = i % 2 ? 'a:1' : 'b:2';
    h.labels(api).observe(v);
    fh.cell(api).observe(v);
    c.labels(api, String(200 + (i % 3))).inc();
    fc.cell(api, String(200 + (i % 3))).inc();
  }
  return { theirs, ours };
}

describe('request metrics cells', () => {
  it('expose exactly what prom-client would for the same observations', async () => {
    const { theirs, ours } = both();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('aggregate across cluster workers like prom-client metrics', async () => {
    const a = both();
    const b = both();
    const merged = (rs: Registry[]) =>
      Promise.all(rs.map((r) => r.getMetricsAsJSON())).then((j) => AggregatorRegistry.aggregate(j).metrics());
    const text = await merged([a.ours, b.ours]);
    expect(text).toBe(await merged([a.theirs, b.theirs]));
    expect(text).toContain('x_seconds_count{api="b:2"} 8');
  });
});

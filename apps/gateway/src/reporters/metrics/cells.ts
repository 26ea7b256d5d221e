import type { Registry } from 'prom-client';

/**
 * Per-request counters and histograms kept in plain cells, one per label set, and handed to
 * prom-client's registry in its own metric format when scraped (also by the cluster aggregator).
 * Hand-written because prom-client hashes the label object on every observation, even through a
 * cached child, which cost several microseconds per request at gateway rates; here a request
 * touches a cached cell and a few numbers.
 */
interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

abstract class CellMetric<C> {
  readonly aggregator = 'sum';
  private readonly cells = new Map<string, { labels: Record<string, string>; cell: C }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    // prom-client's Registry takes any object with its metric interface (name, type, get()).
    registry.registerMetric(this as never);
  }

  abstract readonly type: 'counter' | 'histogram';
  protected abstract newCell(): C;
  protected abstract export(labels: Record<string, string>, cell: C, out: MetricValue[]): void;

  /** The cell of these label values (in labelNames order); keep it for repeated use. */
  cell(...values: string[]): C {
    const key = values.join('\u0000');
    let entry = this.cells.get(key);
    if (!entry) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      entry = { labels, cell: this.newCell() };
      this.cells.set(key, entry);
    }
    return entry.cell;
  }

  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    const values: MetricValue[] = [];
    for (const { labels, cell } of this.cells.values()) this.export(labels, cell, values);
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }
}

export class CounterCell {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class FastCounter extends CellMetric<CounterCell> {
  readonly type = 'counter';
  protected newCell(): CounterCell {
    return new CounterCell();
  }
  protected export(labels: Record<string, string>, cell: CounterCell, out: MetricValue[]): void {
    out.push({ labels, value: cell.value });
  }
}

export class HistogramCell {
  /** observations per bucket (not cumulative); the last slot is above every bound */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class FastHistogram extends CellMetric<HistogramCell> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
  }

  protected newCell(): HistogramCell {
    return new HistogramCell(this.bounds);
  }

  protected export(labels: Record<string, string>, cell: HistogramCell, out: MetricValue[]): void {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    this.bounds.forEach((le, i) => {
      cumulative += cell.counts[i]!;
      out.push({ labels: { le, ...labels }, value: cumulative, metricName: bucket });
    });
    out.push({ labels: { le: '+Inf', ...labels }, value: cell.count, metricName: bucket });
    out.push({ labels, value: cell.sum, metricName: `${this.name}_sum` });
    out.push({ labels, value: cell.count, metricName: `${this.name}_count` });
  }
}

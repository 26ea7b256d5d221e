/**
 * The analytics charts, drawn by ECharts (tooltips, zoom, legend toggles). A click on a point or a
 * bar asks for the requests of that slice (drill-down). Each chart is an image to assistive
 * technology, named by its numbers; the same drill-down is offered by the tables beside them.
 */
import { useEffect, useRef } from 'react';
import type { Admin } from '@apim/rest-contract';
import { echarts, type ChartOption } from './echarts';

/** OK, errors, throttled: the console's success, danger and warning colours. */
export const PART_COLORS = { OK: '#1a7f37', Errors: '#b42318', Throttled: '#9a6700' } as const;
export type Part = keyof typeof PART_COLORS;
const REQUESTS_COLOR = '#1f5fbf';

type TimelinePoint = Admin.AnalyticsSummary['timeline'][number];

interface ClickEvent {
  dataIndex: number;
  seriesName?: string;
}

/**
 * One ECharts instance in a div (SVG renderer: crisp at any zoom, light for a few series), resized
 * with its box and disposed with the component.
 */
function Chart(props: {
  option: ChartOption;
  label: string;
  height: number;
  onClick: (e: ClickEvent) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  // the latest handler, without binding the chart's click event again on every render
  const onClick = useRef(props.onClick);
  useEffect(() => {
    onClick.current = props.onClick;
  });
  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: 'svg' });
    c.on('click', (e) => onClick.current(e as unknown as ClickEvent));
    const resized = new ResizeObserver(() => c.resize());
    resized.observe(el);
    chart.current = c;
    return () => {
      resized.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  // merged into the chart as it is, so a zoom or a legend toggle survives the page's refreshes
  useEffect(() => {
    chart.current?.setOption(props.option);
  }, [props.option]);
  return (
    <div ref={box} role="img" aria-label={props.label} style={{ height: props.height, width: '100%' }} />
  );
}

/** A point's time as the axis shows it: the hour, with the day when the period spans days. */
export function timeLabel(iso: string, withDay: boolean): string {
  const d = new Date(iso);
  return withDay
    ? d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
    : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

const total = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Requests, errors and throttled answers per point of the period; zoomable. */
export function TimelineChart(props: {
  timeline: TimelinePoint[];
  withDay: boolean;
  onPick: (point: TimelinePoint, series: string) => void;
}) {
  const { timeline } = props;
  const series = [
    { name: 'Requests', color: REQUESTS_COLOR, values: timeline.map((t) => t.requests) },
    { name: 'Errors', color: PART_COLORS.Errors, values: timeline.map((t) => t.errors) },
    { name: 'Throttled', color: PART_COLORS.Throttled, values: timeline.map((t) => t.throttled) },
  ];
  const option: ChartOption = {
    grid: { left: 48, right: 16, top: 36, bottom: 64 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: timeline.map((t) => timeLabel(t.time, props.withDay)),
    },
    yAxis: { type: 'value', minInterval: 1 },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.values,
      color: s.color,
      showSymbol: timeline.length <= 60,
      symbolSize: 6,
      triggerLineEvent: true,
    })),
  };
  const summary = series.map((s) => `${s.name}: ${total(s.values)} in total`).join('; ');
  return (
    <figure className="panel">
      <figcaption>
        <strong>Requests over time</strong>{' '}
        <span className="muted">(scroll or drag the slider to zoom; click a point for its requests)</span>
      </figcaption>
      <Chart
        option={option}
        label={`Requests over time. ${summary}`}
        height={280}
        onClick={(e) => {
          const point = timeline[e.dataIndex];
          if (point) props.onPick(point, e.seriesName ?? 'Requests');
        }}
      />
    </figure>
  );
}

export interface BreakdownRow {
  id: string;
  label: string;
  parts: Record<Part, number>;
}

/** Stacked horizontal bars (OK, errors, throttled) per API or application. */
export function BreakdownChart(props: {
  title: string;
  rows: BreakdownRow[];
  onPick: (row: BreakdownRow) => void;
}) {
  const { rows } = props;
  const names = Object.keys(PART_COLORS) as Part[];
  const option: ChartOption = {
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    // the busiest first, at the top
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisLabel: { width: 180, overflow: 'truncate' },
    },
    series: names.map((n) => ({
      name: n,
      type: 'bar',
      stack: 'total',
      color: PART_COLORS[n],
      barMaxWidth: 24,
      data: rows.map((r) => r.parts[n]),
    })),
  };
  const summary = rows
    .map((r) => `${r.label}: ${names.map((n) => `${r.parts[n]} ${n.toLowerCase()}`).join(', ')}`)
    .join('; ');
  return (
    <Chart
      option={option}
      label={`${props.title}. ${summary || 'No traffic.'}`}
      height={Math.max(120, 56 + rows.length * 32)}
      onClick={(e) => {
        const row = rows[e.dataIndex];
        if (row) props.onPick(row);
      }}
    />
  );
}

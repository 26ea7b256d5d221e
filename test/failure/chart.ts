/**
 * The soak's curves as one SVG of stacked panels (a line per series, minutes on the x axis), written
 * by hand: a few polylines need no charting library, and the file stays readable in a diff.
 */
export interface Series {
  name: string;
  values: number[];
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const WIDTH = 900;
const PANEL_HEIGHT = 190;
const PLOT = { left: 70, right: 190, top: 28, bottom: 34 };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** a round upper bound for the axis: 1, 2 or 5 times a power of ten */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function panelSvg(panel: Panel, top: number, minutes: number[]): string {
  const w = WIDTH - PLOT.left - PLOT.right;
  const h = PANEL_HEIGHT - PLOT.top - PLOT.bottom;
  const max = niceMax(Math.max(0, ...panel.series.flatMap((s) => s.values)));
  const lastMinute = Math.max(1, minutes.at(-1) ?? 1);
  const x = (m: number) => PLOT.left + (m / lastMinute) * w;
  const y = (v: number) => top + PLOT.top + h - (v / max) * h;
  const parts = [
    `<text x="${PLOT.left}" y="${top + 18}" font-size="14" font-weight="bold">${escape(panel.title)} (${escape(panel.unit)})</text>`,
    `<rect x="${PLOT.left}" y="${top + PLOT.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${PLOT.left}" x2="${PLOT.left + w}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${PLOT.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${Number(v.toPrecision(3))}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(lastMinute / 10));
  for (let m = 0; m <= lastMinute; m += step)
    parts.push(
      `<text x="${x(m)}" y="${top + PLOT.top + h + 16}" font-size="11" text-anchor="middle">${m}</text>`,
    );
  parts.push(
    `<text x="${PLOT.left + w / 2}" y="${top + PANEL_HEIGHT - 4}" font-size="11" text-anchor="middle">minutes</text>`,
  );
  panel.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = s.values.map((v, j) => `${x(minutes[j]!).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${points}"/>`);
    // a dot per sample: a run of one minute has no line to draw
    for (const [j, v] of s.values.entries())
      parts.push(`<circle cx="${x(minutes[j]!).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2" fill="${color}"/>`);
    parts.push(
      `<line x1="${PLOT.left + w + 12}" x2="${PLOT.left + w + 30}" y1="${top + PLOT.top + 8 + i * 16}" y2="${top + PLOT.top + 8 + i * 16}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${PLOT.left + w + 36}" y="${top + PLOT.top + 12 + i * 16}" font-size="11">${escape(s.name)}</text>`,
    );
  });
  return parts.join('\n');
}

export function chartSvg(title: string, minutes: number[], panels: Panel[]): string {
  const height = 40 + panels.length * PANEL_HEIGHT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" font-size="16" font-weight="bold" text-anchor="middle">${escape(title)}</text>`,
    ...panels.map((p, i) => panelSvg(p, 40 + i * PANEL_HEIGHT, minutes)),
    '</svg>',
    '',
  ].join('\n');
}

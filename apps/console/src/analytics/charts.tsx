/** Small accessible SVG charts: each has a title and a text alternative listing its numbers. */
const COLORS = ['#1f5fbf', '#b42318', '#9a6700', '#1a7f37', '#6f42c1'];

export interface Series {
  name: string;
  values: number[];
}

export function LineChart({ title, labels, series }: { title: string; labels: string[]; series: Series[] }) {
  const w = 640;
  const h = 200;
  const pad = 30;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => pad + (labels.length <= 1 ? 0 : (i * (w - 2 * pad)) / (labels.length - 1));
  const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const summary = series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0)} in total`).join('; ');
  return (
    <figure className="panel">
      <figcaption>
        <strong>{title}</strong>
        <span className="legend" aria-hidden="true">
          {series.map((s, i) => (
            <span key={s.name} style={{ ['--c' as string]: COLORS[i % COLORS.length] }}>
              {s.name}
            </span>
          ))}
        </span>
      </figcaption>
      <svg className="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${title}. ${summary}`}>
        <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} stroke="#ccc" />
        <text x={4} y={pad}>
          {max}
        </text>
        <text x={4} y={h - pad}>
          0
        </text>
        {labels.length > 0 && (
          <>
            <text x={pad} y={h - 8}>
              {labels[0]}
            </text>
            <text x={w - pad} y={h - 8} textAnchor="end">
              {labels[labels.length - 1]}
            </text>
          </>
        )}
        {series.map((s, i) => (
          <polyline
            key={s.name}
            fill="none"
            stroke={COLORS[i % COLORS.length]}
            strokeWidth={2}
            points={s.values.map((v, j) => `${x(j)},${y(v)}`).join(' ')}
          />
        ))}
      </svg>
    </figure>
  );
}

export interface BarRow {
  label: string;
  parts: { name: string; value: number }[];
}

/** Horizontal stacked bars, one per row (an API, an application). */
export function BarChart({ title, rows }: { title: string; rows: BarRow[] }) {
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((a, p) => a + p.value, 0)));
  const names = rows[0]?.parts.map((p) => p.name) ?? [];
  return (
    <figure className="panel">
      <figcaption>
        <strong>{title}</strong>
        <span className="legend" aria-hidden="true">
          {names.map((n, i) => (
            <span key={n} style={{ ['--c' as string]: COLORS[i % COLORS.length] }}>
              {n}
            </span>
          ))}
        </span>
      </figcaption>
      {rows.length === 0 ? (
        <p className="empty">No traffic in this period.</p>
      ) : (
        <table>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row" style={{ width: '30%' }}>
                  {r.label}
                </th>
                <td>
                  <div style={{ display: 'flex', height: 14 }} aria-hidden="true">
                    {r.parts.map((p, i) => (
                      <div
                        key={p.name}
                        style={{ width: `${(p.value / max) * 100}%`, background: COLORS[i % COLORS.length] }}
                      />
                    ))}
                  </div>
                  <span className="muted">{r.parts.map((p) => `${p.name}: ${p.value}`).join(', ')}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}

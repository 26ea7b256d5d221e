/** One API's busiest resources, when the page is narrowed to one API (the summary's drill-down). */
import type { Admin } from '@apim/rest-contract';

type ResourceRow = Admin.AnalyticsSummary['byResource'][number];

/** A latency percentile, or a dash when there was no request. */
export const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v} ms`);

/** Nothing unless the summary is narrowed to one API. */
export function ResourceTraffic({ resources, api }: { resources: ResourceRow[]; api: string }) {
  if (resources.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="resources-title">
      <h2 id="resources-title">Resources of {api}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Requests</th>
            <th scope="col">Errors</th>
            <th scope="col">Throttled</th>
            <th scope="col">Latency p50 / p90 / p99</th>
          </tr>
        </thead>
        <tbody>
          {resources.map((r) => (
            <tr key={`${r.method} ${r.resourceTemplate}`}>
              <th scope="row">
                <code>
                  {r.method} {r.resourceTemplate || '(no resource matched)'}
                </code>
              </th>
              <td>{r.requests}</td>
              <td>{r.errors}</td>
              <td>{r.throttled}</td>
              <td>
                {ms(r.latency.p50)} / {ms(r.latency.p90)} / {ms(r.latency.p99)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

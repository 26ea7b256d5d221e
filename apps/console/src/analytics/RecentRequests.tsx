/** The latest requests of the filters and drill-down in force, with their export as CSV. */
import type { Admin } from '@apim/rest-contract';
import { formatDate } from '../shared/ui';
import { downloadCsv, toCsv, type CsvColumn } from './csv';
import { messageCounts } from './StreamTraffic';

type AnalyticsRecord = Admin.AnalyticsRecord;

const CSV_COLUMNS: CsvColumn<AnalyticsRecord>[] = [
  { header: 'Time', value: (r) => r.requestTimestamp },
  { header: 'API', value: (r) => r.apiName },
  { header: 'API version', value: (r) => r.apiVersion },
  { header: 'Method', value: (r) => r.apiMethod },
  { header: 'Resource', value: (r) => r.apiResourceTemplate },
  { header: 'Application', value: (r) => r.applicationName },
  { header: 'Status', value: (r) => r.proxyResponseCode },
  { header: 'Error code', value: (r) => r.errorCode },
  { header: 'Latency (ms)', value: (r) => r.responseLatency },
  { header: 'Messages in', value: (r) => r.messagesIn },
  { header: 'Messages out', value: (r) => r.messagesOut },
  { header: 'Correlation ID', value: (r) => r.correlationId },
];

export function RecentRequests(props: {
  rows: AnalyticsRecord[];
  /** share of successful requests the gateways keep as raw events (errors and throttled: all); null before any traffic */
  successRate: number | null;
  /** what the rows are narrowed to, in words (filters and drill-down); empty: nothing */
  narrowedTo: string[];
  onClear?: () => void;
}) {
  const { rows } = props;
  return (
    <section className="panel" aria-labelledby="recent-title">
      <div className="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 id="recent-title">Most recent requests</h2>
        <button
          type="button"
          className="secondary small"
          disabled={rows.length === 0}
          onClick={() =>
            downloadCsv(`requests-${new Date().toISOString().slice(0, 19)}.csv`, toCsv(CSV_COLUMNS, rows))
          }
        >
          Export CSV
        </button>
      </div>
      {props.successRate !== null && props.successRate < 1 && (
        <p className="muted">
          Every error and throttled request is listed; successful ones are sampled (
          {+(props.successRate * 100).toFixed(2)} % kept). The counts and charts above include every request.
        </p>
      )}
      {props.narrowedTo.length > 0 && (
        <p className="muted" aria-live="polite">
          Showing {props.narrowedTo.join(' · ')}
          {props.onClear && (
            <>
              {' '}
              <button type="button" className="link" onClick={props.onClear}>
                Show all requests
              </button>
            </>
          )}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="empty">No requests kept in this period.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">API</th>
              <th scope="col">Request</th>
              <th scope="col">Application</th>
              <th scope="col">Status</th>
              <th scope="col">Latency</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.correlationId}>
                <td>{formatDate(r.requestTimestamp)}</td>
                <td>
                  {r.apiName ? (
                    `${r.apiName} ${r.apiVersion ?? ''}`
                  ) : (
                    <span className="muted">no API matched</span>
                  )}
                </td>
                <td>
                  <code>
                    {r.apiMethod} {r.apiResourceTemplate ?? ''}
                  </code>
                  {messageCounts(r) && <span className="muted"> · messages {messageCounts(r)}</span>}
                </td>
                <td>{r.applicationName ?? ''}</td>
                <td>
                  {r.proxyResponseCode}
                  {r.errorCode && <span className="muted"> ({r.errorCode})</span>}
                </td>
                <td>{r.responseLatency} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

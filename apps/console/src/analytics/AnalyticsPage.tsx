/** Traffic through the gateways: requests over time, latency percentiles, errors and throttling by API
 * and by application, and the most recent requests; refreshed every few seconds. */
import { useState } from 'react';
import { Scopes } from '@apim/contracts';
import type { Admin } from '@apim/rest-contract';
import type { RestApi } from '../shared/api';
import { hasScope, PUBLISHER_SCOPES, useSession, type Session } from '../shared/auth';
import { useRest } from '../shared/hooks';
import { Checkbox, formatDate, Page, QueryView, SelectField } from '../shared/ui';
import { BarChart, LineChart } from './charts';
import { messageCounts, StreamTraffic } from './StreamTraffic';

/** The summary is the same resource in each REST API (here read through the one the section names). */
type AnalyticsSummary = Admin.AnalyticsSummary;
type Totals = AnalyticsSummary['totals'];

const RANGES = [
  { value: '15', label: 'Last 15 minutes' },
  { value: '60', label: 'Last hour' },
  { value: '1440', label: 'Last 24 hours' },
  { value: '10080', label: 'Last 7 days' },
];

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v} ms`);
const parts = (t: Totals) => [
  { name: 'OK', value: t.requests - t.errors - t.throttled },
  { name: 'Errors', value: t.errors },
  { name: 'Throttled', value: t.throttled },
];

/** Whose traffic the user may see, and through which REST API the control plane serves it. */
function scopeOf(session: Session | null): { api: RestApi; whose: string } {
  if (hasScope(session, Scopes.admin)) return { api: 'admin', whose: 'every API and application' };
  if (hasScope(session, ...PUBLISHER_SCOPES)) return { api: 'publisher', whose: 'the APIs you created' };
  return { api: 'devportal', whose: 'your applications' };
}

export default function AnalyticsPage() {
  const { api, whose } = scopeOf(useSession());
  const [minutes, setMinutes] = useState('60');
  const [live, setLive] = useState(true);
  const summary = useRest<AnalyticsSummary>(
    api,
    '/analytics/summary',
    { minutes },
    { refetchInterval: live ? 5000 : undefined },
  );
  return (
    <Page
      title="Analytics"
      actions={
        <div className="row">
          <SelectField label="Period" value={minutes} options={RANGES} onChange={setMinutes} />
          <Checkbox label="Refresh every 5 seconds" checked={live} onChange={setLive} />
        </div>
      }
    >
      <p className="muted">Traffic of {whose}.</p>
      <QueryView query={summary} what="analytics">
        {(s) => (
          <>
            <div className="grid">
              <div className="card">
                <h2>{s.totals.requests}</h2>
                <p className="muted">requests</p>
              </div>
              <div className="card">
                <h2>{s.totals.errors}</h2>
                <p className="muted">errors</p>
              </div>
              <div className="card">
                <h2>{s.totals.throttled}</h2>
                <p className="muted">throttled</p>
              </div>
              <div className="card">
                <h2>
                  {ms(s.latency.p50)} / {ms(s.latency.p90)} / {ms(s.latency.p99)}
                </h2>
                <p className="muted">latency p50 / p90 / p99</p>
              </div>
            </div>
            <LineChart
              title="Requests over time"
              labels={s.timeline.map((t) =>
                new Date(t.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
              )}
              series={[
                { name: 'Requests', values: s.timeline.map((t) => t.requests) },
                { name: 'Errors', values: s.timeline.map((t) => t.errors) },
                { name: 'Throttled', values: s.timeline.map((t) => t.throttled) },
              ]}
            />
            <BarChart
              title="By API"
              rows={s.byApi.map((a) => ({
                label: `${a.apiName ?? a.apiId}${a.apiVersion ? ` ${a.apiVersion}` : ''}`,
                parts: parts(a),
              }))}
            />
            <BarChart
              title="By application"
              rows={s.byApplication.map((a) => ({
                label: a.applicationName ?? (a.applicationId || 'none'),
                parts: parts(a),
              }))}
            />
            <StreamTraffic apis={s.byApi} />
            <section className="panel" aria-labelledby="recent-title">
              <h2 id="recent-title">Most recent requests</h2>
              {s.recent.length === 0 ? (
                <p className="empty">No requests in this period.</p>
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
                    {s.recent.map((r) => (
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
          </>
        )}
      </QueryView>
    </Page>
  );
}

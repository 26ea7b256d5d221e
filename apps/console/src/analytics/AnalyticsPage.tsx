/**
 * Traffic through the gateways: requests over time, latency percentiles, errors and throttling by API
 * and by application, and the most recent requests; refreshed every few seconds. Filtered by API,
 * application, status class and period (the control plane narrows the summary); a click on a chart
 * point or bar drills down to the requests of that slice; the requests shown export as CSV.
 */
import { useEffect, useState } from 'react';
import { Scopes } from '@apim/contracts';
import type { Admin } from '@apim/rest-contract';
import type { RestApi } from '../shared/api';
import { hasScope, PUBLISHER_SCOPES, useSession, type Session } from '../shared/auth';
import { useRest } from '../shared/hooks';
import { Checkbox, Page, QueryView, SelectField } from '../shared/ui';
import { BreakdownChart, TimelineChart, timeLabel, type BreakdownRow } from './charts';
import { RecentRequests } from './RecentRequests';
import { ms, ResourceTraffic } from './ResourceTraffic';
import { StreamTraffic } from './StreamTraffic';

/** The summary is the same resource in each REST API (here read through the one the section names). */
type AnalyticsSummary = Admin.AnalyticsSummary;
type Totals = AnalyticsSummary['totals'];
type AnalyticsRecord = Admin.AnalyticsRecord;

const RANGES = [
  { value: '15', label: 'Last 15 minutes' },
  { value: '60', label: 'Last hour' },
  { value: '1440', label: 'Last 24 hours' },
  { value: '10080', label: 'Last 7 days' },
  { value: '43200', label: 'Last 30 days' },
];

/** Status classes as the summary's statusClass filter takes them. */
const STATUSES = [
  { value: '', label: 'Any status' },
  { value: '2xx,3xx', label: 'Successful (2xx, 3xx)' },
  { value: '4xx,5xx', label: 'Errors (4xx, 5xx)' },
  { value: '4xx', label: 'Client errors and throttling (4xx)' },
  { value: '5xx', label: 'Server errors (5xx)' },
];

/** Requests listed: more when a time slice is picked, since the slice is cut from the latest ones. */
const RECENT = 20;
const RECENT_FOR_SLICE = 100;

const parts = (t: Totals) => ({
  OK: t.requests - t.errors - t.throttled,
  Errors: t.errors,
  Throttled: t.throttled,
});
const isThrottled = (r: AnalyticsRecord) => r.proxyResponseCode === 429;

/** A point of the timeline picked on the chart: its requests, or only its errors or throttled ones. */
interface Slice {
  from: number;
  to: number;
  series: string;
  label: string;
}

const inSlice = (s: Slice) => (r: AnalyticsRecord) => {
  const t = Date.parse(r.requestTimestamp);
  if (t < s.from || t >= s.to) return false;
  if (s.series === 'Errors') return r.proxyResponseCode >= 400 && !isThrottled(r);
  if (s.series === 'Throttled') return isThrottled(r);
  return true;
};

/** Whose traffic the user may see, and through which REST API the control plane serves it. */
function scopeOf(session: Session | null): { api: RestApi; whose: string } {
  if (hasScope(session, Scopes.admin)) return { api: 'admin', whose: 'every API and application' };
  if (hasScope(session, ...PUBLISHER_SCOPES)) return { api: 'publisher', whose: 'the APIs you created' };
  return { api: 'devportal', whose: 'your applications' };
}

/** The APIs and applications met in this page's summaries: the filters' choices (a filtered summary lists only one). */
function useChoices(summary: AnalyticsSummary | undefined) {
  const [apis, setApis] = useState<ReadonlyMap<string, string>>(new Map());
  const [apps, setApps] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    if (!summary) return;
    const add = (prev: ReadonlyMap<string, string>, entries: [string, string][]) =>
      entries.every(([id, l]) => prev.get(id) === l) ? prev : new Map([...prev, ...entries]);
    setApis((prev) =>
      add(
        prev,
        summary.byApi.map((a) => [a.apiId, apiLabel(a)]),
      ),
    );
    setApps((prev) =>
      add(
        prev,
        summary.byApplication
          .filter((a) => a.applicationId)
          .map((a) => [a.applicationId, a.applicationName ?? a.applicationId]),
      ),
    );
  }, [summary]);
  const options = (all: string, m: ReadonlyMap<string, string>) => [
    { value: '', label: all },
    ...[...m].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label)),
  ];
  return {
    apis: options('All APIs', apis),
    apps: options('All applications', apps),
    apiNames: apis,
    appNames: apps,
  };
}

const apiLabel = (a: { apiId: string; apiName: string | null; apiVersion: string | null }) =>
  `${a.apiName ?? a.apiId}${a.apiVersion ? ` ${a.apiVersion}` : ''}`;

export default function AnalyticsPage() {
  const { api, whose } = scopeOf(useSession());
  const [minutes, setMinutes] = useState('60');
  const [apiId, setApiId] = useState('');
  const [applicationId, setApplicationId] = useState('');
  const [statusClass, setStatusClass] = useState('');
  const [slice, setSlice] = useState<Slice | null>(null);
  const [live, setLive] = useState(true);
  const summary = useRest<AnalyticsSummary>(
    api,
    '/analytics/summary',
    { minutes, apiId, applicationId, statusClass, recent: slice ? RECENT_FOR_SLICE : RECENT },
    { refetchInterval: live ? 5000 : undefined },
  );
  const choices = useChoices(summary.data);
  const withDay = Number(minutes) > 1440;

  const narrowedTo = [
    apiId && `API ${choices.apiNames.get(apiId) ?? apiId}`,
    applicationId && `application ${choices.appNames.get(applicationId) ?? applicationId}`,
    statusClass && STATUSES.find((s) => s.value === statusClass)?.label.toLowerCase(),
    slice?.label,
  ].filter((x): x is string => !!x);
  const clear = () => {
    setApiId('');
    setApplicationId('');
    setStatusClass('');
    setSlice(null);
  };

  const breakdown = (title: string, id: string, rows: BreakdownRow[], pick: (id: string) => void) => (
    <figure className="panel" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <strong>{title}</strong> <span className="muted">(click a bar for its requests)</span>
      </figcaption>
      {rows.length === 0 ? (
        <p className="empty">No traffic in this period.</p>
      ) : (
        <>
          <BreakdownChart title={title} rows={rows} onPick={(r) => pick(r.id)} />
          <table aria-label={`${title}: numbers`}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">OK</th>
                <th scope="col">Errors</th>
                <th scope="col">Throttled</th>
                <th scope="col">
                  <span className="sr-only">Drill down</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.label}</th>
                  <td>{r.parts.OK}</td>
                  <td>{r.parts.Errors}</td>
                  <td>{r.parts.Throttled}</td>
                  <td>
                    {r.id && (
                      <button
                        type="button"
                        className="link"
                        aria-label={`Requests of ${r.label}`}
                        onClick={() => pick(r.id)}
                      >
                        Requests
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );

  return (
    <Page
      title="Analytics"
      actions={<Checkbox label="Refresh every 5 seconds" checked={live} onChange={setLive} />}
    >
      <p className="muted">Traffic of {whose}.</p>
      <div className="row panel" role="group" aria-label="Filters">
        <SelectField
          label="Period"
          value={minutes}
          options={RANGES}
          onChange={(v) => {
            setMinutes(v);
            setSlice(null);
          }}
        />
        <SelectField label="API" value={apiId} options={choices.apis} onChange={setApiId} />
        <SelectField
          label="Application"
          value={applicationId}
          options={choices.apps}
          onChange={setApplicationId}
        />
        <SelectField label="Status" value={statusClass} options={STATUSES} onChange={setStatusClass} />
        {narrowedTo.length > 0 && (
          <button type="button" className="secondary" onClick={clear}>
            Clear filters
          </button>
        )}
      </div>
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
            <TimelineChart
              timeline={s.timeline}
              withDay={withDay}
              onPick={(point, series) => {
                const from = Date.parse(point.time);
                const what = series === 'Requests' ? 'requests' : series.toLowerCase();
                setSlice({
                  from,
                  to: from + s.step * 60_000,
                  series,
                  label: `${what} at ${timeLabel(point.time, withDay)}`,
                });
              }}
            />
            {breakdown(
              'By API',
              'by-api',
              s.byApi.map((a) => ({ id: a.apiId, label: apiLabel(a), parts: parts(a) })),
              setApiId,
            )}
            {breakdown(
              'By application',
              'by-application',
              s.byApplication.map((a) => ({
                id: a.applicationId,
                label: a.applicationName ?? (a.applicationId || 'none'),
                parts: parts(a),
              })),
              setApplicationId,
            )}
            <ResourceTraffic
              resources={s.byResource}
              api={s.byApi.length === 1 ? apiLabel(s.byApi[0]!) : 'the API'}
            />
            <StreamTraffic apis={s.byApi} />
            <RecentRequests
              rows={slice ? s.recent.filter(inSlice(slice)) : s.recent}
              successRate={s.sampling.successRate}
              narrowedTo={narrowedTo}
              onClear={clear}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}

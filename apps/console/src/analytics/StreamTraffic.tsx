/** The connections of WebSocket and Server-Sent Events APIs and the messages they carried, per API. */
import type { Admin } from '@apim/rest-contract';

type ApiTraffic = Admin.AnalyticsSummary['byApi'][number];

/** Nothing when no API in the period had a connection (REST and GraphQL APIs have none). */
export function StreamTraffic({ apis }: { apis: ApiTraffic[] }) {
  const streaming = apis.filter((a) => a.connections > 0);
  if (streaming.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="streams-title">
      <h2 id="streams-title">Connections and messages</h2>
      <p className="muted">
        WebSocket connections and event streams, counted when they end, with the messages (or events) they
        carried each way.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">API</th>
            <th scope="col">Connections</th>
            <th scope="col">Messages in</th>
            <th scope="col">Messages out</th>
          </tr>
        </thead>
        <tbody>
          {streaming.map((a) => (
            <tr key={a.apiId}>
              <td>{`${a.apiName ?? a.apiId}${a.apiVersion ? ` ${a.apiVersion}` : ''}`}</td>
              <td>{a.connections}</td>
              <td>{a.messagesIn}</td>
              <td>{a.messagesOut}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A connection's or stream's messages, for its row among the most recent requests. */
export function messageCounts(r: Admin.AnalyticsRecord): string | null {
  if (r.messagesIn == null && r.messagesOut == null) return null;
  return `${r.messagesIn ?? 0} in / ${r.messagesOut ?? 0} out`;
}

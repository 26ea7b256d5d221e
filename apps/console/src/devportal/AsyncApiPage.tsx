/**
 * An async API in the developer portal: its AsyncAPI channels (what a client receives, what it may
 * send) and, for a WebSocket API, a try-it that opens a socket through the gateway.
 */
import { Link, useParams } from 'react-router';
import { useConfig } from '../shared/config-context';
import { useRest } from '../shared/hooks';
import { Page, QueryView } from '../shared/ui';
import { channelsOf } from './asyncapi-view';
import { gatewayBaseUrl } from './DevApiPage';
import { WebSocketTryIt } from './WebSocketTryIt';
import type { Complete, Devportal } from '@apim/rest-contract';

const TYPE_NAMES: Record<string, string> = {
  WS: 'WebSocket API',
  SSE: 'Server-Sent Events API',
  WEBSUB: 'WebSub API',
};

export function AsyncApiPage() {
  const { apiId = '' } = useParams();
  const config = useConfig();
  const api = useRest<Complete<Devportal.API>>('devportal', `/apis/${apiId}`);
  const doc = useRest<Record<string, unknown>>('devportal', `/apis/${apiId}/asyncapi`);
  return (
    <QueryView query={api} what="the API">
      {(a) => (
        <Page
          title={`${a.name} ${a.version}`}
          actions={<Link to={`/devportal/apis/${a.id}/overview`}>Overview and subscription</Link>}
        >
          <p>{TYPE_NAMES[a.type ?? ''] ?? a.type}</p>
          <QueryView query={doc} what="the AsyncAPI definition">
            {(d) => {
              const channels = channelsOf(d);
              return (
                <>
                  <table aria-label="Channels">
                    <thead>
                      <tr>
                        <th scope="col">Channel</th>
                        <th scope="col">Receive</th>
                        <th scope="col">Send</th>
                        <th scope="col">Description</th>
                      </tr>
                    </thead>
                    <tbody>
                      {channels.map((c) => (
                        <tr key={c.address}>
                          <td>
                            <code>{c.address}</code>
                          </td>
                          <td>{c.receive ? 'yes' : ''}</td>
                          <td>{c.send ? 'yes' : ''}</td>
                          <td>{c.description}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {a.type === 'WS' && (
                    <>
                      <h2>Try it</h2>
                      <WebSocketTryIt channels={channels} httpBase={gatewayBaseUrl(a, config.gatewayUrl)} />
                    </>
                  )}
                </>
              );
            }}
          </QueryView>
        </Page>
      )}
    </QueryView>
  );
}

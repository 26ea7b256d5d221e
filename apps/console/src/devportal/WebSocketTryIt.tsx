/**
 * Try a WebSocket API from the browser: open a socket on one of its channels through the gateway
 * with an application's token (in the `access_token` query parameter, since a browser can set no
 * header on a handshake), send messages and see what comes back.
 */
import { useEffect, useRef, useState } from 'react';
import { SelectField, TextArea, TextField } from '../shared/ui';
import { channelPath, socketUrl, type Channel } from './asyncapi-view';
import { useRememberedCredentials } from './token-memory';

interface Line {
  n: number;
  dir: 'sent' | 'received' | 'info';
  text: string;
}

export function WebSocketTryIt({ channels, httpBase }: { channels: Channel[]; httpBase: string }) {
  const remembered = useRememberedCredentials().filter((c) => c.kind === 'oauth');
  const [address, setAddress] = useState(channels[0]?.address ?? '');
  const [params, setParams] = useState<Record<string, string>>({});
  const [token, setToken] = useState('');
  const [message, setMessage] = useState('{"text": "hello"}');
  const [lines, setLines] = useState<Line[]>([]);
  const [open, setOpen] = useState(false);
  const socket = useRef<WebSocket | null>(null);
  const count = useRef(0);
  useEffect(() => () => socket.current?.close(), []);

  const channel = channels.find((c) => c.address === address) ?? channels[0];
  if (!channel) return <p className="empty">The definition lists no channels.</p>;
  const log = (dir: Line['dir'], text: string) =>
    setLines((prev) => [...prev.slice(-99), { n: ++count.current, dir, text }]);
  const credential = token.trim() || remembered[0]?.value || '';

  const connect = () => {
    socket.current?.close();
    const ws = new WebSocket(socketUrl(httpBase, channelPath(channel.address, params), credential));
    socket.current = ws;
    ws.onopen = () => {
      setOpen(true);
      log('info', `Connected to ${channel.address}`);
    };
    ws.onmessage = (e) => log('received', typeof e.data === 'string' ? e.data : '(binary message)');
    ws.onclose = (e) => {
      setOpen(false);
      log('info', `Closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`);
    };
  };

  return (
    <section className="panel" aria-label="Try the WebSocket API">
      <SelectField
        label="Channel"
        value={channel.address}
        options={channels.map((c) => c.address)}
        onChange={setAddress}
      />
      {channel.parameters.map((p) => (
        <TextField
          key={p}
          label={p}
          required
          value={params[p] ?? ''}
          onChange={(v) => setParams({ ...params, [p]: v })}
        />
      ))}
      <TextField
        label="Access token"
        value={token}
        hint={
          remembered[0]
            ? `Empty: the token generated for ${remembered[0].applicationName}`
            : "An access token of an application subscribed to this API (generate one on the application's keys)"
        }
        onChange={setToken}
      />
      <div className="row">
        <button type="button" onClick={connect} disabled={!credential}>
          {open ? 'Reconnect' : 'Connect'}
        </button>
        <button type="button" className="secondary" disabled={!open} onClick={() => socket.current?.close()}>
          Disconnect
        </button>
      </div>
      <TextArea label="Message" rows={4} monospace value={message} onChange={setMessage} />
      <button
        type="button"
        disabled={!open}
        onClick={() => {
          socket.current?.send(message);
          log('sent', message);
        }}
      >
        Send
      </button>
      <ol className="message-log" aria-label="Messages" aria-live="polite">
        {lines.map((l) => (
          <li key={l.n} className={`message-${l.dir}`}>
            <strong>{l.dir === 'sent' ? 'Sent' : l.dir === 'received' ? 'Received' : 'Info'}:</strong>{' '}
            <code>{l.text}</code>
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * The runtime configuration the control plane serves at /console-config.json (in development the
 * Vite dev server proxies it), so one build works behind any host name.
 */
export interface ConsoleConfig {
  /** issuer and base URL of the key manager */
  keyManagerUrl: string;
  /** public URL of the gateway, used by try-it and the snippets */
  gatewayUrl: string;
  /** OAuth client id of the console (a public client using PKCE) */
  clientId: string;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/console-config.json', { headers: { accept: 'application/json' } }).catch(() => {
    throw new Error('The control plane cannot be reached: /console-config.json did not answer.');
  });
  if (!res.ok || !res.headers.get('content-type')?.includes('json'))
    throw new Error(`The control plane answered /console-config.json with ${res.status}: no configuration.`);
  const served = (await res.json()) as Partial<Record<keyof ConsoleConfig, unknown>>;
  const pick = (key: keyof ConsoleConfig) => {
    const v = served[key];
    if (typeof v !== 'string' || !v) throw new Error(`/console-config.json has no ${key}.`);
    return v;
  };
  return {
    keyManagerUrl: trimSlash(pick('keyManagerUrl')),
    gatewayUrl: trimSlash(pick('gatewayUrl')),
    clientId: pick('clientId'),
  };
}

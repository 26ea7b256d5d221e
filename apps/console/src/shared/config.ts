/**
 * The runtime configuration the control plane serves at /console-config.json, so one build works
 * behind any host name. When it is missing (an older control plane, or the Vite dev server with no
 * control plane), the documented defaults of the other apps are used.
 */
export interface ConsoleConfig {
  /** issuer and base URL of the key manager */
  keyManagerUrl: string;
  /** public URL of the gateway, used by try-it and the snippets */
  gatewayUrl: string;
  /** OAuth client id of the console (a public client using PKCE) */
  clientId: string;
}

export const DEFAULT_CONFIG: ConsoleConfig = {
  keyManagerUrl: 'http://127.0.0.1:9444',
  gatewayUrl: 'http://127.0.0.1:8280',
  clientId: 'apim-console',
};

const trimSlash = (s: string) => s.replace(/\/+$/, '');

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  let served: Partial<ConsoleConfig> = {};
  try {
    const res = await fetch('/console-config.json', { headers: { accept: 'application/json' } });
    if (res.ok && res.headers.get('content-type')?.includes('json'))
      served = (await res.json()) as Partial<ConsoleConfig>;
  } catch {
    // No control plane answering: the defaults below apply.
  }
  const pick = (key: keyof ConsoleConfig) =>
    typeof served[key] === 'string' && served[key] ? served[key] : DEFAULT_CONFIG[key];
  return {
    keyManagerUrl: trimSlash(pick('keyManagerUrl')),
    gatewayUrl: trimSlash(pick('gatewayUrl')),
    clientId: pick('clientId'),
  };
}

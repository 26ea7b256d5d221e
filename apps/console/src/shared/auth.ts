/**
 * Sign-in through the key manager: OAuth 2.0 authorization code with PKCE (S256) for the public
 * client `apim-console`. Tokens live in sessionStorage, so they survive the redirects of the flow
 * and a reload, but not the closing of the tab.
 */
import { useSyncExternalStore } from 'react';
import { Scopes } from '@apim/contracts';
import type { ConsoleConfig } from './config';

export interface Session {
  accessToken: string;
  idToken: string | null;
  refreshToken: string | null;
  /** epoch milliseconds */
  expiresAt: number;
  scopes: string[];
  username: string;
}

interface PendingLogin {
  state: string;
  verifier: string;
  returnTo: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

const SESSION_KEY = 'apim.console.session';
const PENDING_KEY = 'apim.console.pending-login';
/** Every REST scope; the key manager grants only those the user's roles allow. */
export const REQUESTED_SCOPES = ['openid', ...Object.values(Scopes)];

export class LoginError extends Error {}

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of u8) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function s256(verifier: string): Promise<string> {
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
}

/** The claims of a JWT, for display and for the granted scopes; the server verifies the token. */
export function jwtClaims(token: string | null | undefined): Record<string, unknown> {
  const part = token?.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

let discoveryCache: Promise<Discovery> | undefined;
function discover(config: ConsoleConfig): Promise<Discovery> {
  discoveryCache ??= fetch(`${config.keyManagerUrl}/.well-known/openid-configuration`)
    .then(async (res) => {
      if (!res.ok) throw new LoginError(`The key manager's discovery document answered ${res.status}`);
      return (await res.json()) as Discovery;
    })
    .catch((e: unknown) => {
      discoveryCache = undefined;
      throw e instanceof LoginError
        ? e
        : new LoginError(`The key manager at ${config.keyManagerUrl} cannot be reached`);
    });
  return discoveryCache;
}

// --- the session store, observable by React -----------------------------------------------------

const listeners = new Set<() => void>();
let current: Session | null = readStoredSession();

function readStoredSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function setSession(session: Session | null): void {
  current = session;
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
  for (const l of listeners) l();
}

export function getSession(): Session | null {
  return current;
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** Forgets the tokens locally (an expired or revoked session). */
export function clearSession(): void {
  setSession(null);
}

export function hasScope(session: Session | null, ...anyOf: string[]): boolean {
  return !!session && anyOf.some((s) => session.scopes.includes(s));
}

/** The scopes that open the publisher (the control plane's publisher REST API asks for one of them). */
export const PUBLISHER_SCOPES = [Scopes.apiView, Scopes.apiCreate, Scopes.apiPublish];
/** The scopes that open the developer portal's own pages (applications, subscriptions). */
export const SUBSCRIBER_SCOPES = [Scopes.subscribe, Scopes.appManage];

// --- the flow ----------------------------------------------------------------------------------

function redirectUri(): string {
  return `${window.location.origin}/callback`;
}

/** Sends the browser to the key manager's login page; it comes back to /callback. */
export async function beginLogin(config: ConsoleConfig, returnTo: string): Promise<void> {
  const discovery = await discover(config);
  const pending: PendingLogin = { state: randomString(16), verifier: randomString(48), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: REQUESTED_SCOPES.join(' '),
    state: pending.state,
    code_challenge: await s256(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

/**
 * Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), if it says. The key
 * manager exposes the header to the console's origin (Access-Control-Expose-Headers).
 */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What a locked-out sign-in is told (the key manager answered 429). */
export function tooManyAttemptsMessage(retryAfter: string | null): string {
  const seconds = retryAfterSeconds(retryAfter);
  return seconds === undefined
    ? 'Too many attempts, retry later'
    : `Too many attempts, retry in ${seconds} s`;
}

async function tokenRequest(config: ConsoleConfig, form: Record<string, string>): Promise<Session> {
  const discovery = await discover(config);
  let res: Response;
  try {
    res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: config.clientId, ...form }),
    });
  } catch {
    // fetch says only "Failed to fetch": the network, or an answer the browser may not read
    throw new LoginError(`The key manager's token endpoint at ${discovery.token_endpoint} cannot be reached`);
  }
  if (res.status === 429) throw new LoginError(tooManyAttemptsMessage(res.headers.get('retry-after')));
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof body.access_token !== 'string') {
    const reason =
      typeof body.error_description === 'string' ? body.error_description : String(body.error ?? res.status);
    throw new LoginError(`The key manager refused the sign-in: ${reason}`);
  }
  const accessToken = body.access_token;
  const idToken = typeof body.id_token === 'string' ? body.id_token : null;
  const access = jwtClaims(accessToken);
  const id = jwtClaims(idToken);
  const scope =
    typeof body.scope === 'string' ? body.scope : typeof access.scope === 'string' ? access.scope : '';
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  const username = [
    id.preferred_username,
    access.preferred_username,
    id.name,
    access.username,
    id.sub,
    access.sub,
  ].find((v): v is string => typeof v === 'string' && v.length > 0);
  return {
    accessToken,
    idToken,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
    expiresAt: Date.now() + expiresIn * 1000,
    scopes: scope.split(' ').filter(Boolean),
    username: username ?? 'user',
  };
}

/** Finishes the flow on /callback: checks the state and trades the code for tokens. */
export async function completeLogin(config: ConsoleConfig, search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as PendingLogin) : null;
  const error = params.get('error');
  // Cancel on the key manager's sign-in page: back where the user was, with nothing to report
  if (error === 'access_denied' && pending && params.get('state') === pending.state)
    return localPath(pending.returnTo);
  if (error) throw new LoginError(params.get('error_description') ?? `The sign-in failed: ${error}`);
  const code = params.get('code');
  if (!pending || !code || params.get('state') !== pending.state)
    throw new LoginError(
      'This sign-in response does not match a sign-in started here. Please sign in again.',
    );
  setSession(
    await tokenRequest(config, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  );
  return localPath(pending.returnTo);
}

/** A path inside the console (never another site's address), else the start page. */
function localPath(returnTo: string): string {
  return returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
}

/** A new access token from the refresh token, when the key manager issued one. */
export async function refreshSession(config: ConsoleConfig): Promise<boolean> {
  const session = current;
  if (!session?.refreshToken) return false;
  try {
    const next = await tokenRequest(config, {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken,
    });
    setSession({ ...next, idToken: next.idToken ?? session.idToken });
    return true;
  } catch {
    return false;
  }
}

/** Ends the session here and at the key manager (RP-initiated logout). */
export async function logout(config: ConsoleConfig): Promise<void> {
  const session = current;
  setSession(null);
  let endpoint = `${config.keyManagerUrl}/oauth2/logout`;
  try {
    endpoint = (await discover(config)).end_session_endpoint ?? endpoint;
  } catch {
    // The key manager is down: the local session is gone, which is what matters most.
  }
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    post_logout_redirect_uri: `${window.location.origin}/`,
    ...(session?.idToken ? { id_token_hint: session.idToken } : {}),
  }).toString();
  window.location.assign(url.toString());
}

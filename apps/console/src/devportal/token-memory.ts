/**
 * Access tokens and API keys generated in this tab, so that try-it can use them without asking
 * again. They are kept for the tab's session (sessionStorage, as WSO2's devportal keeps its
 * test token): a reload keeps them, another tab or a new session does not see them, and an
 * expired one is dropped.
 */
import { useSyncExternalStore } from 'react';

export interface RememberedCredential {
  applicationId: string;
  applicationName: string;
  keyType: 'PRODUCTION' | 'SANDBOX';
  kind: 'oauth' | 'apikey';
  value: string;
  scopes: string[];
  expiresAt: number | null;
}

const STORAGE_KEY = 'apim.devportal.credentials';

const live = (c: RememberedCredential) => c.expiresAt === null || c.expiresAt > Date.now();

function load(): RememberedCredential[] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(stored) ? (stored as RememberedCredential[]).filter(live) : [];
  } catch {
    // storage refused (privacy mode) or not ours: start empty
    return [];
  }
}

let credentials: RememberedCredential[] = load();
const listeners = new Set<() => void>();

export function rememberCredential(c: RememberedCredential): void {
  credentials = [
    c,
    ...credentials.filter(
      (x) =>
        live(x) && !(x.applicationId === c.applicationId && x.keyType === c.keyType && x.kind === c.kind),
    ),
  ];
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  } catch {
    // storage full or refused: remembered in this page only
  }
  for (const l of listeners) l();
}

export function useRememberedCredentials(): RememberedCredential[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => credentials,
  );
}

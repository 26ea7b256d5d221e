/**
 * Access tokens and API keys generated in this tab, kept in memory only (never in storage), so that
 * try-it and the snippets can use them without asking for them again. A reload forgets them.
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

let credentials: RememberedCredential[] = [];
const listeners = new Set<() => void>();

export function rememberCredential(c: RememberedCredential): void {
  credentials = [
    c,
    ...credentials.filter(
      (x) => !(x.applicationId === c.applicationId && x.keyType === c.keyType && x.kind === c.kind),
    ),
  ];
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

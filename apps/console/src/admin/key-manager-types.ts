/** Key managers as the admin REST API shows them, and the words the console uses for their types. */
import { KEY_MANAGER_TYPES, type KeyManagerType } from '@apim/contracts';

export interface ClaimMapping {
  remoteClaim: string;
  localClaim: string;
}

/** GET /key-managers[/{id}]: never a secret, only whether one is stored. */
export interface KeyManager {
  id: string;
  name: string;
  displayName?: string;
  type?: KeyManagerType;
  description?: string;
  issuer?: string;
  wellKnownEndpoint?: string | null;
  certificates?: { type: 'JWKS'; value: string } | null;
  introspectionEndpoint?: string | null;
  tokenEndpoint?: string | null;
  clientRegistrationEndpoint?: string | null;
  audience?: string | null;
  algorithms?: string[];
  consumerKeyClaim?: string;
  scopesClaim?: string;
  claimMapping?: ClaimMapping[];
  introspectionClientId?: string | null;
  registrationTokenSet?: boolean;
  enabled: boolean;
}

export const TYPE_LABELS: Record<KeyManagerType, string> = {
  custom: 'Other OpenID Connect provider',
  Keycloak: 'Keycloak',
  Okta: 'Okta',
  Auth0: 'Auth0',
  EntraID: 'Microsoft Entra ID',
};

export const TYPE_OPTIONS = KEY_MANAGER_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }));

export function typeLabel(type: string | undefined): string {
  return (type && TYPE_LABELS[type as KeyManagerType]) || TYPE_LABELS.custom;
}

/** The signature algorithms the API accepts; a new key manager allows RS256 and ES256. */
export const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const;
export const DEFAULT_ALGORITHMS = ['RS256', 'ES256'];

/** The key manager's internal API (clients, API keys, revocation) and its token endpoint. */
import { request } from 'undici';
import { clientSecretBasic } from '@apim/service';
import { HttpError } from '../http/errors.js';

export interface CreatedClient {
  clientId: string;
  clientSecret: string;
  grantTypes: string[];
  callbackUrl: string | null;
  accessTokenTtl: number;
}

export interface ClientInfo {
  clientId: string;
  grantTypes: string[];
  callbackUrl: string | null;
  accessTokenTtl: number;
}

export interface ClientSettings {
  clientName: string;
  grantTypes: string[];
  callbackUrl?: string;
  accessTokenTtl?: number;
}

export interface IssuedApiKey {
  apikey: string;
  jti: string;
  expiresAt: string | null;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export function createKeyManagerClient(baseUrl: string, internalSecret: string) {
  async function call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    let res;
    try {
      res = await request(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${internalSecret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: 15_000,
        bodyTimeout: 15_000,
      });
    } catch {
      throw new HttpError(502, 'The key manager cannot be reached');
    }
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      const detail = safeDescription(text);
      // The caller's mistakes (bad grant type, bad callback) pass through as 400; anything else is ours.
      if (res.statusCode === 400) throw new HttpError(400, `The key manager refused the request: ${detail}`);
      if (res.statusCode === 404) throw new HttpError(404, 'The key manager does not know this client');
      throw new HttpError(502, `The key manager answered ${res.statusCode}: ${detail}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const tokenEndpoint = `${baseUrl}/oauth2/token`;

  return {
    /** where client_credentials and the other grants are asked for */
    tokenEndpoint,
    createClient: (settings: ClientSettings) => call<CreatedClient>('POST', '/internal/v1/clients', settings),
    getClient: (clientId: string) =>
      call<ClientInfo>('GET', `/internal/v1/clients/${encodeURIComponent(clientId)}`),
    updateClient: (clientId: string, settings: Partial<ClientSettings>) =>
      call<ClientInfo>('PATCH', `/internal/v1/clients/${encodeURIComponent(clientId)}`, settings),
    deleteClient: (clientId: string) =>
      call<void>('DELETE', `/internal/v1/clients/${encodeURIComponent(clientId)}`),
    regenerateSecret: (clientId: string) =>
      call<{ clientId: string; clientSecret: string }>(
        'POST',
        `/internal/v1/clients/${encodeURIComponent(clientId)}/regenerate-secret`,
      ),
    revokeClientTokens: (clientId: string) =>
      call<void>('POST', `/internal/v1/clients/${encodeURIComponent(clientId)}/revoke-tokens`),
    issueApiKey: (input: {
      applicationId: string;
      keyType: string;
      validityPeriod: number;
      permittedIps?: string[];
      permittedReferers?: string[];
    }) => call<IssuedApiKey>('POST', '/internal/v1/api-keys', input),
    revokeToken: (jti: string, expiresAt: string) =>
      call<void>('POST', '/internal/v1/tokens/revoke', { jti, expiresAt }),
    /**
     * client_credentials for the client without its secret, for its application's owner: only
     * once the caller is known to own the application (the key manager trusts this channel).
     */
    ownerToken: (clientId: string, options: { scopes: string[]; validityPeriod?: number }) =>
      call<TokenResponse>('POST', `/internal/v1/clients/${encodeURIComponent(clientId)}/tokens`, options),

    /**
     * client_credentials at the token endpoint, with the credentials the caller gave us. The token
     * lives as long as the client's accessTokenTtl (the key's validity time), or `validityPeriod`
     * seconds when given and shorter (the key manager's `validity_period`, as WSO2's; -1: the
     * client's).
     */
    async clientCredentialsToken(
      clientId: string,
      clientSecret: string,
      options: { scopes?: string[]; validityPeriod?: number } = {},
    ): Promise<TokenResponse> {
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      if (options.scopes?.length) form.set('scope', options.scopes.join(' '));
      if (options.validityPeriod !== undefined) form.set('validity_period', String(options.validityPeriod));
      let res;
      try {
        res = await request(tokenEndpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: clientSecretBasic(clientId, clientSecret),
          },
          body: form.toString(),
          headersTimeout: 15_000,
          bodyTimeout: 15_000,
        });
      } catch {
        throw new HttpError(502, 'The key manager cannot be reached');
      }
      const text = await res.body.text();
      if (res.statusCode === 400 || res.statusCode === 401)
        throw new HttpError(400, `The key manager refused to issue a token: ${safeDescription(text)}`);
      if (res.statusCode >= 300) throw new HttpError(502, `The key manager answered ${res.statusCode}`);
      return JSON.parse(text) as TokenResponse;
    },
  };
}

export type KeyManagerClient = ReturnType<typeof createKeyManagerClient>;

/** The error text of a key manager answer (never echoing anything that could hold a secret). */
function safeDescription(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const d = body.error_description ?? body.description ?? body.message ?? body.error;
    return typeof d === 'string' ? d.slice(0, 300) : 'no description';
  } catch {
    return 'no description';
  }
}

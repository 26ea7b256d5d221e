/**
 * Calls to an external key manager (an OpenID provider such as Keycloak or Okta) on behalf of an
 * application: RFC 7591 dynamic client registration, RFC 7592 deletion of a registered client, and
 * client_credentials at its token endpoint. Errors name the provider and carry its own error text,
 * never a secret.
 */
import { request } from 'undici';
import { clientSecretBasic } from '@apim/service';
import { HttpError } from '../http/errors.js';

const TIMEOUTS = { headersTimeout: 15_000, bodyTimeout: 15_000 } as const;

export interface RegistrationRequest {
  clientName: string;
  grantTypes: string[];
  callbackUrl?: string;
}

export interface RegisteredClient {
  clientId: string;
  /** shown to the caller once; never stored */
  clientSecret: string;
  grantTypes: string[];
  callbackUrl: string | null;
  /** RFC 7592 management of the client, when the provider offers it */
  registrationClientUri: string | null;
  registrationAccessToken: string | null;
}

export interface ProviderToken {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
}

/** The provider's error text from an OAuth error body, with any of `secrets` blanked out. */
export function providerErrorText(text: string, secrets: Array<string | null | undefined> = []): string {
  let detail = 'no description';
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const parts = [body.error, body.error_description ?? body.errorMessage ?? body.message].filter(
      (p): p is string => typeof p === 'string' && p.length > 0,
    );
    if (parts.length) detail = parts.join(': ').slice(0, 300);
  } catch {
    // not JSON (an HTML error page, say): nothing we can quote safely
  }
  for (const s of secrets) if (s) detail = detail.split(s).join('***');
  return detail;
}

async function send(
  provider: string,
  url: string,
  init: { method: 'GET' | 'POST' | 'DELETE'; headers: Record<string, string>; body?: string },
) {
  try {
    const res = await request(url, { ...init, ...TIMEOUTS });
    return { status: res.statusCode, text: await res.body.text() };
  } catch (e) {
    throw new HttpError(
      502,
      `The key manager '${provider}' cannot be reached at ${url}: ${(e as Error).message}`,
    );
  }
}

/**
 * Registers a confidential client (client_secret_basic) at the provider's registration endpoint,
 * with the initial access token when the provider asks for one.
 */
export async function registerClient(
  provider: { name: string; registrationEndpoint: string; initialAccessToken: string | null },
  settings: RegistrationRequest,
): Promise<RegisteredClient> {
  const metadata = {
    client_name: settings.clientName,
    grant_types: settings.grantTypes,
    // without the authorization code grant the client has no front channel at all
    response_types: settings.grantTypes.includes('authorization_code') ? ['code'] : [],
    redirect_uris: settings.callbackUrl ? [settings.callbackUrl] : [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const { status, text } = await send(provider.name, provider.registrationEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(provider.initialAccessToken ? { authorization: `Bearer ${provider.initialAccessToken}` } : {}),
    },
    body: JSON.stringify(metadata),
  });
  const secrets = [provider.initialAccessToken];
  // RFC 7591 3.2.2: a refused callback URL is the caller's to fix; any other refusal (metadata
  // or token the provider does not take) is between the provider and its admin
  if (status === 400 && errorCode(text) === 'invalid_redirect_uri')
    throw new HttpError(
      400,
      `The key manager '${provider.name}' refused the callback URL: ${providerErrorText(text, secrets)}`,
    );
  if (status !== 201 && status !== 200)
    throw new HttpError(
      502,
      `The key manager '${provider.name}' answered ${status} to the client registration: ${providerErrorText(text, secrets)}`,
    );
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new HttpError(502, `The key manager '${provider.name}' answered the registration with no JSON`);
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const clientId = str(body.client_id);
  const clientSecret = str(body.client_secret);
  if (!clientId || !clientSecret)
    throw new HttpError(
      502,
      `The key manager '${provider.name}' registered a client without ${clientId ? 'a client_secret' : 'a client_id'}`,
    );
  const redirects = Array.isArray(body.redirect_uris)
    ? body.redirect_uris.filter((u) => typeof u === 'string')
    : [];
  return {
    clientId,
    clientSecret,
    grantTypes: Array.isArray(body.grant_types)
      ? body.grant_types.filter((g): g is string => typeof g === 'string')
      : settings.grantTypes,
    callbackUrl: (redirects[0] as string | undefined) ?? settings.callbackUrl ?? null,
    registrationClientUri: str(body.registration_client_uri),
    registrationAccessToken: str(body.registration_access_token),
  };
}

/** RFC 7592 deletion of a client we registered; 404/410: already gone. */
export async function deleteRegisteredClient(
  provider: string,
  client: { registrationClientUri: string; registrationAccessToken: string },
): Promise<void> {
  const { status, text } = await send(provider, client.registrationClientUri, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${client.registrationAccessToken}` },
  });
  if (status >= 300 && status !== 404 && status !== 410)
    throw new HttpError(
      502,
      `The key manager '${provider}' answered ${status} to the client deletion: ${providerErrorText(text, [client.registrationAccessToken])}`,
    );
}

/**
 * client_credentials at the provider's token endpoint with the credentials the caller gave. A 400
 * or 401 is the caller's (wrong secret, scope or grant) and answered 400; anything else 502.
 */
export async function clientCredentialsToken(
  provider: { name: string; tokenEndpoint: string },
  clientId: string,
  clientSecret: string,
  scopes: string[] = [],
): Promise<ProviderToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scopes.length) form.set('scope', scopes.join(' '));
  const { status, text } = await send(provider.name, provider.tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: clientSecretBasic(clientId, clientSecret),
    },
    body: form.toString(),
  });
  if (status === 400 || status === 401)
    throw new TokenRefused(provider.name, providerErrorText(text, [clientSecret]), errorCode(text));
  if (status !== 200)
    throw new HttpError(
      502,
      `The key manager '${provider.name}' answered ${status} at its token endpoint: ${providerErrorText(text, [clientSecret])}`,
    );
  let token: ProviderToken;
  try {
    token = JSON.parse(text) as ProviderToken;
  } catch {
    throw new HttpError(502, `The key manager '${provider.name}' answered its token endpoint with no JSON`);
  }
  if (typeof token.access_token !== 'string')
    throw new HttpError(502, `The key manager '${provider.name}' answered with no access_token`);
  return token;
}

/** The provider refused to issue a token (answered 400 to the caller). */
export class TokenRefused extends HttpError {
  constructor(
    provider: string,
    /** the provider's error text, secrets blanked */
    readonly detail: string,
    /** the OAuth error code (invalid_client, unauthorized_client, ...), if the provider gave one */
    readonly oauthError: string | null,
  ) {
    super(400, `The key manager '${provider}' refused to issue a token: ${detail}`);
  }
}

function errorCode(text: string): string | null {
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error;
    return typeof e === 'string' ? e : null;
  } catch {
    return null;
  }
}

/**
 * Proves that the caller holds the client's secret (map-keys): a client_credentials request that
 * the provider authenticates. The client may not be allowed that grant (unauthorized_client,
 * unsupported_grant_type) or the scope: the secret was still accepted, since providers check the
 * client before the grant. Only invalid_client (or an unexplained refusal) is a wrong secret.
 */
export async function checkClientSecret(
  provider: { name: string; tokenEndpoint: string },
  clientId: string,
  clientSecret: string,
): Promise<void> {
  try {
    await clientCredentialsToken(provider, clientId, clientSecret);
  } catch (e) {
    const accepted = ['unauthorized_client', 'unsupported_grant_type', 'invalid_scope'];
    if (e instanceof TokenRefused && e.oauthError && accepted.includes(e.oauthError)) return;
    if (e instanceof TokenRefused)
      throw new HttpError(
        400,
        `The key manager '${provider.name}' does not accept this consumer key and secret: ${e.detail}`,
      );
    throw e;
  }
}

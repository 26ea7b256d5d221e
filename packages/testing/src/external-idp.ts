/**
 * A second, real OpenID provider for tests of external key managers: an oidc-provider instance
 * configured the way Keycloak answers (its own issuer and signing key, Keycloak's endpoint paths,
 * client_credentials, RFC 7662 introspection, RFC 7591 registration behind an initial access token
 * with RFC 7592 management, JWT access tokens naming the client in `azp` and not in `client_id`, a
 * space-separated `scope`). Opaque access tokens are issued for a second resource, so introspection
 * is exercised too. Clients and tokens live in memory.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { clientSecretBasic } from '@apim/service';

export interface ExternalIdpOptions {
  /** the audience of its JWT access tokens (what the admin registers as the key manager's audience) */
  audience?: string;
  /** the scopes clients may ask for */
  scopes?: string[];
  /** client_credentials clients that exist from the start, with ids of the test's choosing */
  clients?: Array<{ clientId: string; clientSecret: string }>;
}

export interface ExternalIdp {
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  registrationEndpoint: string;
  audience: string;
  /** RFC 7591 initial access token for registrationEndpoint */
  initialAccessToken: string;
  /** a confidential client gateways may introspect with */
  introspectionClient: { clientId: string; clientSecret: string };
  /**
   * registers a client_credentials client through RFC 7591, as an admin of the provider would;
   * with its RFC 7592 management URI and token
   */
  registerClient(name?: string): Promise<{
    clientId: string;
    clientSecret: string;
    registrationClientUri: string;
    registrationAccessToken: string;
  }>;
  /** a client_credentials access token: a JWT for `audience`, or an opaque one (introspected) */
  token(
    client: { clientId: string; clientSecret: string },
    options?: { scope?: string; opaque?: boolean },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Resource indicators (absolute URIs) of the APIs whose tokens are JWTs and opaque; both carry `audience`. */
const JWT_RESOURCE = 'urn:test:api';
const OPAQUE_RESOURCE = 'urn:test:opaque-api';

export async function startExternalIdp(options: ExternalIdpOptions = {}): Promise<ExternalIdp> {
  const audience = options.audience ?? 'account-api';
  const scopes = options.scopes ?? ['read', 'write', 'admin'];
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey: JWK = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    use: 'sig',
  };
  const initialAccessToken = randomBytes(24).toString('base64url');
  const introspectionClient = {
    clientId: 'gateway-introspection',
    clientSecret: randomBytes(24).toString('base64url'),
  };

  const configuration: Configuration = {
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: introspectionClient.clientId,
        client_secret: introspectionClient.clientSecret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
      ...(options.clients ?? []).map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      })),
    ],
    routes: {
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      introspection: '/protocol/openid-connect/token/introspect',
      registration: '/clients-registrations/openid-connect',
      revocation: '/protocol/openid-connect/revoke',
      userinfo: '/protocol/openid-connect/userinfo',
      authorization: '/protocol/openid-connect/auth',
    },
    scopes: ['openid', ...scopes],
    responseTypes: ['code'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // confidential clients may introspect any token (Keycloak lets a client with the permission do so)
      introspection: { enabled: true, allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none' },
      revocation: { enabled: true },
      registration: { enabled: true, initialAccessToken },
      registrationManagement: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => JWT_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => ({
          scope: scopes.join(' '),
          audience,
          accessTokenFormat: indicator === OPAQUE_RESOURCE ? 'opaque' : 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: { ClientCredentials: 300, AccessToken: 300 },
    clientDefaults: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
    extraTokenClaims: (_ctx, token) => ({ azp: token.clientId }),
    formats: {
      customizers: {
        // Keycloak names the client in azp only
        jwt(_ctx, _token, jwt) {
          delete jwt.payload.client_id;
        },
      },
    },
  };
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());

  async function form(
    url: string,
    body: Record<string, string>,
    basic: { clientId: string; clientSecret: string },
  ) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: clientSecretBasic(basic.clientId, basic.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  }

  const tokenEndpoint = `${issuer}/protocol/openid-connect/token`;
  const registrationEndpoint = `${issuer}/clients-registrations/openid-connect`;
  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}/protocol/openid-connect/certs`,
    tokenEndpoint,
    introspectionEndpoint: `${issuer}/protocol/openid-connect/token/introspect`,
    registrationEndpoint,
    audience,
    initialAccessToken,
    introspectionClient,
    async registerClient(name = 'test-client') {
      const res = await fetch(registrationEndpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${initialAccessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: name,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        }),
      });
      const json = (await res.json()) as Record<string, string>;
      if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${JSON.stringify(json)}`);
      return {
        clientId: json.client_id!,
        clientSecret: json.client_secret!,
        registrationClientUri: json.registration_client_uri!,
        registrationAccessToken: json.registration_access_token!,
      };
    },
    async token(client, opts = {}) {
      const body: Record<string, string> = { grant_type: 'client_credentials' };
      if (opts.scope) body.scope = opts.scope;
      if (opts.opaque) body.resource = OPAQUE_RESOURCE;
      return (await form(tokenEndpoint, body, client)).access_token as string;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

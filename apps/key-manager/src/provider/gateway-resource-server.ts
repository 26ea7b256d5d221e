/**
 * What an access token for the gateways is (oidc-provider's resource server for the gateways'
 * resource indicator): audience, scopes, lifetime, format and signing key; and the application
 * behind a client, which decides several of them.
 */
import { errors, type Client, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { ClientExtras } from '../adapters/prisma-adapter.js';
import type { Lookups } from '../adapters/lookups.js';
import type { KeyManagerConfig } from '../config.js';
import type { ClientApplication } from '../models/applications.js';
import { signingKeyAt, type PublishedKey } from '../models/signing-keys.js';

/** The resource indicator of the gateways; tokens for it carry aud = APIM_TOKEN_AUDIENCE. */
export const GATEWAY_RESOURCE = 'urn:apim:gateway';

/** What the gateways' resource server is worked out from (a part of ProviderDeps). */
export interface ResourceServerDeps {
  config: KeyManagerConfig;
  lookups: Lookups;
  keys: readonly PublishedKey[];
}

/** Per-request memo of the application behind the client: the hooks of one request agree on it. */
const applicationMemo = new WeakMap<object, Map<string, Promise<ClientApplication | null>>>();

export function clientApplication(
  lookups: Lookups,
  ctx: object,
  clientId: string,
): Promise<ClientApplication | null> {
  let memo = applicationMemo.get(ctx);
  if (!memo) applicationMemo.set(ctx, (memo = new Map()));
  let found = memo.get(clientId);
  if (!found) memo.set(clientId, (found = lookups.application(clientId)));
  return found;
}

function accessTokenTtlOf(client: Client): number {
  const ttl = client.metadata()[ClientExtras.accessTokenTtl];
  return typeof ttl === 'number' && ttl > 0 ? ttl : 3600;
}

/**
 * The lifetime of an access token issued now: the client's validity time, or the caller's
 * `validity_period` (seconds; WSO2's token endpoint parameter, -1 meaning the client's) when that
 * is shorter. A caller never gets a longer token than the application's setting (as in WSO2, the
 * smaller of the two wins).
 */
export function accessTokenTtlFor(ctx: KoaContextWithOIDC | undefined, client: Client): number {
  const configured = accessTokenTtlOf(client);
  const requested = requestedValidityPeriod(ctx);
  return requested === undefined ? configured : Math.min(requested, configured);
}

/**
 * `validity_period` of a token request, if given. oidc-provider keeps in ctx.oidc.params only the
 * parameters a grant declares, and its built-in grants' lists cannot be extended, so it is read
 * from the parsed body of the token endpoint.
 */
function requestedValidityPeriod(ctx: KoaContextWithOIDC | undefined): number | undefined {
  if (ctx?.oidc?.route !== 'token') return undefined;
  const value = ctx.oidc.body?.validity_period;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^(?:-1|[1-9][0-9]*)$/.test(value))
    throw new errors.InvalidRequest(
      "validity_period must be a whole number of seconds above 0, or -1 for the client's validity time",
    );
  return value === '-1' ? undefined : Number(value);
}

/**
 * Scopes the caller of this request may obtain on the gateways: for client_credentials those of
 * the application owner's roles (WSO2 authorises application tokens as the owner); for a user,
 * those of the user's roles; before anyone has logged in, every scope (narrowed at consent).
 */
async function gatewayScopes(
  deps: ResourceServerDeps,
  ctx: KoaContextWithOIDC,
  app: ClientApplication | null,
  knownAccountId?: string,
): Promise<string[]> {
  const { lookups } = deps;
  if (ctx.oidc.params?.grant_type === 'client_credentials')
    return lookups.scopesForRoles(app?.ownerRoles ?? []);
  const accountId = knownAccountId ?? ctx.oidc.account?.accountId ?? ctx.oidc.session?.accountId;
  if (!accountId) return lookups.allScopeNames();
  return lookups.scopesForRoles((await lookups.rolesOfUser(accountId)) ?? []);
}

export async function gatewayResourceServer(
  deps: ResourceServerDeps,
  ctx: KoaContextWithOIDC,
  client: Client,
  /** the user the token is for, when the context does not say (password grant) */
  accountId?: string,
): Promise<ResourceServer> {
  const app = await clientApplication(deps.lookups, ctx, client.clientId);
  const signing = signingKeyAt(deps.keys);
  if (!signing) throw new Error('no signing key is active');
  return {
    audience: deps.config.tokenAudience,
    scope: (await gatewayScopes(deps, ctx, app, accountId)).join(' '),
    accessTokenTTL: accessTokenTtlFor(ctx, client),
    accessTokenFormat: app?.tokenType === 'OPAQUE' ? 'opaque' : 'jwt',
    jwt: { sign: { alg: signing.alg as 'RS256', kid: signing.kid } },
  };
}

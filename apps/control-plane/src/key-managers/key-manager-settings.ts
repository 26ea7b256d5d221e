/**
 * What an admin's key manager request becomes in a TrustedIssuer row: the provider's endpoints
 * (given, or read from its OpenID discovery document), the claims its tokens use (given, or the
 * preset of its type), and its secrets sealed. The rules that keep tokens trusted by no more than
 * they should be are here: an audience is required, and the resident key manager's issuer cannot
 * be registered again.
 */
import { request } from 'undici';
import {
  KEY_MANAGER_PRESETS,
  KEY_MANAGER_SECRETS_PURPOSE,
  RESIDENT_KEY_MANAGER,
  type KeyManagerType,
} from '@apim/contracts';
import type { Prisma } from '@apim/db';
import { KEY_MANAGER_DEFAULTS, type Admin } from '@apim/rest-contract';
import { derivedKey, encryptSecret } from '@apim/service';
import { badRequest, HttpError } from '../http/errors.js';

interface Discovered {
  issuer?: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  token_endpoint?: string;
  registration_endpoint?: string;
}

/** Reads the endpoints of an OpenID discovery document. */
async function discover(url: string): Promise<Discovered> {
  let res;
  try {
    res = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  } catch (e) {
    throw badRequest(`The discovery document at ${url} cannot be fetched: ${(e as Error).message}`);
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw badRequest(`The discovery document at ${url} answered HTTP ${res.statusCode}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = (await res.body.json()) as Record<string, unknown>;
  } catch {
    throw badRequest(`The discovery document at ${url} is not JSON`);
  }
  const out: Discovered = {};
  for (const k of [
    'issuer',
    'jwks_uri',
    'introspection_endpoint',
    'token_endpoint',
    'registration_endpoint',
  ] as const)
    if (typeof doc[k] === 'string') out[k] = doc[k];
  return out;
}

type IssuerRow = Prisma.TrustedIssuerGetPayload<object>;

/**
 * The row a create (existing: null) or a replace asks for. Secrets left out of a replace keep
 * their stored value; `null` for the introspection client removes introspection.
 */
export async function keyManagerRow(
  body: Admin.KeyManager,
  existing: IssuerRow | null,
  { residentIssuer, internalSecret }: { residentIssuer: string; internalSecret: string },
) {
  if (body.name === RESIDENT_KEY_MANAGER)
    throw new HttpError(409, `'${RESIDENT_KEY_MANAGER}' is the built-in key manager's name`);
  if (existing && existing.name !== body.name)
    throw badRequest(
      `A key manager's name cannot change (application keys refer to it): keep '${existing.name}'`,
    );
  const given = [body.issuer, body.certificates, body.introspectionEndpoint, body.tokenEndpoint];
  const found =
    body.wellKnownEndpoint && given.some((v) => v === undefined)
      ? await discover(body.wellKnownEndpoint)
      : {};
  const issuer = body.issuer ?? found.issuer;
  const jwksUrl = body.certificates?.value ?? found.jwks_uri;
  if (!issuer) throw badRequest("Give the 'issuer', or a 'wellKnownEndpoint' whose document names it");
  if (issuer.replace(/\/$/, '') === residentIssuer.replace(/\/$/, ''))
    throw new HttpError(
      409,
      `'${issuer}' is the issuer of the ${RESIDENT_KEY_MANAGER}: its tokens are trusted already`,
    );
  if (!jwksUrl)
    throw badRequest(
      "Give 'certificates' (a JWKS URL), or a 'wellKnownEndpoint' whose document names jwks_uri",
    );
  if (!body.audience?.trim())
    throw badRequest(
      "Give the 'audience' this provider's access tokens carry for the gateways: without an audience check, tokens it issued for any other service would be accepted",
    );

  const seal = (plain: string) =>
    encryptSecret(derivedKey(internalSecret, KEY_MANAGER_SECRETS_PURPOSE), plain);
  const introspectionEndpoint =
    body.introspectionEndpoint !== undefined
      ? body.introspectionEndpoint
      : (found.introspection_endpoint ?? null);
  const introspectionClientId =
    body.introspectionClientId !== undefined
      ? body.introspectionClientId
      : (existing?.introspectionClientId ?? null);
  const introspectionClientSecret = body.introspectionClientSecret
    ? seal(body.introspectionClientSecret)
    : introspectionClientId
      ? (existing?.introspectionClientSecret ?? null)
      : null;
  if (body.introspectionEndpoint && (!introspectionClientId || !introspectionClientSecret))
    throw badRequest(
      "Give 'introspectionClientId' and 'introspectionClientSecret': the gateways authenticate to the introspection endpoint with them",
    );

  const type = body.type ?? (existing?.type as KeyManagerType | undefined) ?? 'custom';
  const preset = KEY_MANAGER_PRESETS[type];
  const claimMappings: Record<string, string> = {};
  for (const m of body.claimMapping ?? []) claimMappings[m.remoteClaim] = m.localClaim;
  claimMappings.consumerKeyClaim = body.consumerKeyClaim ?? preset.consumerKeyClaim;
  claimMappings.scopesClaim = body.scopesClaim ?? preset.scopesClaim;
  return {
    name: body.name,
    displayName: body.displayName ?? body.name,
    description: body.description ?? null,
    type,
    issuer,
    discoveryUrl: body.wellKnownEndpoint ?? null,
    jwksUrl,
    audience: body.audience.trim(),
    algorithms: body.algorithms?.length ? body.algorithms : [...KEY_MANAGER_DEFAULTS.algorithms],
    claimMappings,
    introspectionEndpoint: introspectionEndpoint && introspectionClientSecret ? introspectionEndpoint : null,
    introspectionClientId: introspectionEndpoint ? introspectionClientId : null,
    introspectionClientSecret: introspectionEndpoint ? introspectionClientSecret : null,
    tokenEndpoint: body.tokenEndpoint !== undefined ? body.tokenEndpoint : (found.token_endpoint ?? null),
    registrationEndpoint:
      body.clientRegistrationEndpoint !== undefined
        ? body.clientRegistrationEndpoint
        : (found.registration_endpoint ?? null),
    registrationToken: body.registrationToken
      ? seal(body.registrationToken)
      : (existing?.registrationToken ?? null),
    enabled: body.enabled ?? true,
  };
}

import { createHmac, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors } from 'jose';
import { Scopes, scopesForRoles, type ScopeName } from '@apim/contracts';
import type { PrismaClient } from '@apim/db';
import { verifyPassword } from '@apim/service';
import { HttpError } from './errors.js';

/** Who is calling, and what they may do. */
export interface Principal {
  userId: string;
  username: string;
  roles: string[];
  scopes: ReadonlySet<string>;
}

export interface AuthenticatorOptions {
  prisma: PrismaClient;
  keyManagerUrl: string;
  audience: string;
  /** consecutive wrong passwords before the account is locked for lockSeconds */
  maxFailures: number;
  lockSeconds: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function unauthorized(description: string): HttpError {
  return new HttpError(401, description, { 'www-authenticate': 'Bearer, Basic realm="apim"' });
}

export function isAdmin(p: Principal | undefined): boolean {
  return !!p?.scopes.has(Scopes.admin);
}

/**
 * Turns an Authorization header into a Principal: a JWT from the key manager (scopes from its
 * `scope` claim) or a user's Basic credentials (scopes from the user's roles). No header: undefined.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const { prisma } = options;
  const jwks = createRemoteJWKSet(new URL(`${options.keyManagerUrl}/oauth2/jwks`));

  async function loadUser(where: { id: string } | { username: string }) {
    const user = await prisma.user.findUnique({ where: where as { id: string }, include: { roles: true } });
    if (!user || !user.enabled || (user.lockedUntil && user.lockedUntil > new Date())) return undefined;
    return { ...user, roleNames: user.roles.map((r) => r.roleName) };
  }

  async function fromBearer(token: string): Promise<Principal> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.keyManagerUrl,
        audience: options.audience,
        algorithms: ['RS256', 'ES256'],
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired');
      if (e instanceof joseErrors.JOSEError) throw unauthorized('The access token is not valid');
      throw new HttpError(503, 'The key manager cannot be reached to verify the access token');
    }
    const sub = payload.sub;
    if (!sub) throw unauthorized('The access token does not name a user');
    // Revoked tokens (logout, revocation) and every token of a client revoked as a whole.
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    const [revokedToken, revokedClient] = await Promise.all([
      typeof payload.jti === 'string'
        ? prisma.revokedToken.findUnique({ where: { jti: payload.jti } })
        : null,
      clientId ? prisma.revokedClient.findUnique({ where: { clientId } }) : null,
    ]);
    if (revokedToken || (revokedClient && (payload.iat ?? 0) * 1000 < revokedClient.revokedBefore.getTime()))
      throw unauthorized('The access token has been revoked');
    const user = await loadUser(UUID.test(sub) ? { id: sub } : { username: sub });
    if (!user) throw unauthorized('The access token does not belong to an active user');
    const granted = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    // A token never grants more than the user's roles allow today (roles may have been removed).
    const allowed = scopesForRoles(user.roleNames);
    const scopes = new Set(granted.filter((s) => allowed.has(s as ScopeName)));
    return { userId: user.id, username: user.username, roles: user.roleNames, scopes };
  }

  // scrypt costs tens of milliseconds by design; a script calling the REST API with Basic
  // credentials should pay it once, not on every call. Remembered: a keyed hash of the
  // credentials together with the stored hash, so a changed password is never matched.
  const cacheKey = randomBytes(32);
  const verified = new Set<string>();
  const MAX_VERIFIED = 10_000;
  const fingerprint = (username: string, password: string, stored: string) =>
    createHmac('sha256', cacheKey).update(`${username}\0${password}\0${stored}`).digest('base64url');

  async function passwordMatches(username: string, password: string, stored: string): Promise<boolean> {
    const fp = fingerprint(username, password, stored);
    if (verified.has(fp)) return true;
    if (!(await verifyPassword(password, stored))) return false;
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.values().next().value as string);
    verified.add(fp);
    return true;
  }

  /** One more consecutive failure; the last one allowed locks the account (as the key manager does). */
  async function countFailure(userId: string): Promise<void> {
    const { maxFailures, lockSeconds } = options;
    await prisma.$executeRaw`
      UPDATE user_account SET
        failed_logins = CASE WHEN failed_logins + 1 >= ${maxFailures} THEN 0 ELSE failed_logins + 1 END,
        locked_until = CASE WHEN failed_logins + 1 >= ${maxFailures}
          THEN now() + make_interval(secs => ${lockSeconds}) ELSE locked_until END
      WHERE id = ${userId}::uuid`;
  }

  async function fromBasic(encoded: string): Promise<Principal> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1 || decoded.includes('\u0000')) throw unauthorized('Malformed Basic credentials');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = await loadUser({ username });
    // Verify against a dummy hash when the user is unknown, so timing does not reveal usernames.
    const ok = user
      ? await passwordMatches(username, password, user.passwordHash)
      : await verifyPassword(password, DUMMY_HASH);
    if (user && !ok) await countFailure(user.id);
    if (!user || !ok) throw unauthorized('Invalid username or password');
    if (user.failedLogins > 0)
      await prisma.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
    return {
      userId: user.id,
      username: user.username,
      roles: user.roleNames,
      scopes: scopesForRoles(user.roleNames),
    };
  }

  return async function authenticate(header: string | undefined): Promise<Principal | undefined> {
    if (!header) return undefined;
    const [scheme, value] = header.split(/\s+/, 2);
    if (!value) throw unauthorized('Malformed Authorization header');
    if (/^bearer$/i.test(scheme ?? '')) return fromBearer(value);
    if (/^basic$/i.test(scheme ?? '')) return fromBasic(value);
    throw unauthorized('Unsupported authorization scheme');
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

/** scrypt hash of a random password nobody knows (same cost parameters as real ones). */
const DUMMY_HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$Wb3oA4U5cP0Wb3oA4U5cP0Wb3oA4U5cP0Wb3oA4U5c';

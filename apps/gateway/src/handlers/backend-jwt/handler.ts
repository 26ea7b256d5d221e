import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { TokenCache } from '../../shared/token-cache.js';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import { subscriptionKey, type GatewayState } from '../../store/state.js';
import { schema, type BackendJwtConfig } from './schema.js';

const CLAIM = 'http://wso2.org/claims/';

/** The signing key, loaded once per node when backend JWTs are configured (APIM_GATEWAY_BACKEND_JWT_*). */
interface BackendJwtServices {
  state: GatewayState;
  signing: { settings: BackendJwtConfig; key: CryptoKey } | null;
}
/** re-sign this long before expiry, so a backend never receives an almost-expired assertion */
const MARGIN_MS = 30_000;

/**
 * Tells the backend who called, in a JWT signed by the gateway (WSO2's X-JWT-Assertion and its
 * http://wso2.org/claims/* names). Signed once per credential and API, reused until near expiry.
 * The caller cannot forge it: any incoming header of the same name is replaced.
 */
export const backendJwt: HandlerModule<BackendJwtConfig, BackendJwtServices> = {
  name: 'backend-jwt',
  schema,
  async init({ config, state }) {
    const settings = config.backendJwt;
    if (!settings) return { state, signing: null };
    const { issuer, header, ttlSec, algorithm, keyFile } = settings;
    const key = await importPKCS8(await readFile(keyFile, 'utf8'), algorithm);
    return { state, signing: { settings: { issuer, header, ttlSec, algorithm }, key } };
  },
  configOf: (_api, { signing }) => signing?.settings ?? null,
  create(config, { state, signing }, api) {
    const key = signing!.key;
    const cache = new TokenCache<{ jwt: string; expiresAt: number }>(10_000);
    return {
      name: 'backend-jwt',
      async onRequest(ctx) {
        const cred = ctx.credential;
        // Basic callers have no token: their user name tells them apart
        const cacheKey = cred
          ? `${cred.kind}|${cred.consumerKey ?? ''}|${String(cred.claims.jti ?? '')}|${cred.applicationId ?? ''}|${cred.username ?? ''}`
          : 'anonymous';
        const now = Date.now();
        let entry = cache.get(cacheKey, now + MARGIN_MS);
        if (!entry) {
          const app = cred?.application;
          const sub = cred?.applicationId
            ? state.subscriptions.get(subscriptionKey(cred.applicationId, api.id))
            : undefined;
          const expiresAt = now + config.ttlSec * 1000;
          const jwt = await new SignJWT({
            [`${CLAIM}apiname`]: api.name,
            [`${CLAIM}apicontext`]: api.context,
            [`${CLAIM}version`]: api.version,
            [`${CLAIM}applicationid`]: cred?.applicationId ?? null,
            [`${CLAIM}applicationname`]: app?.name ?? null,
            [`${CLAIM}applicationtier`]: app?.throttlingPolicy ?? null,
            [`${CLAIM}subscriber`]: app?.ownerName ?? null,
            [`${CLAIM}tier`]: sub?.throttlingPolicy ?? null,
            [`${CLAIM}keytype`]: cred?.keyType ?? null,
            [`${CLAIM}usertype`]: cred?.claims.aut ?? (cred ? 'APPLICATION' : null),
            [`${CLAIM}enduser`]: cred?.username ?? null,
            [`${CLAIM}client_id`]: cred?.consumerKey ?? null,
            ...cred?.mappedClaims,
          })
            .setProtectedHeader({ alg: config.algorithm, typ: 'JWT' })
            .setIssuer(config.issuer)
            .setJti(randomUUID())
            .setIssuedAt(Math.floor(now / 1000))
            .setExpirationTime(Math.floor(expiresAt / 1000))
            .sign(key);
          entry = { jwt, expiresAt };
          cache.set(cacheKey, entry);
        }
        ctx.backendHeaders[config.header] = entry.jwt;
        return undefined;
      },
    };
  },
};

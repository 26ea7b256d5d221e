/**
 * Signs JWTs with the key manager's claim contract and publishes the keys at /oauth2/jwks on a real
 * HTTP server on port 0: the token source for gateway tests until `@apim/key-manager/testing`
 * exists.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

export interface TokenSpec {
  clientId: string;
  applicationId?: string;
  keyType?: 'PRODUCTION' | 'SANDBOX';
  scope?: string;
  sub?: string;
  audience?: string;
  issuer?: string;
  expiresInSec?: number;
  notBeforeSec?: number;
  /** iat relative to now (default 0); null: no iat claim */
  issuedAtSec?: number | null;
  /** the JOSE header's typ (default at+jwt, RFC 9068's access token) */
  typ?: string;
  jti?: string;
  tokenType?: 'apiKey';
  permittedIP?: string;
  permittedReferer?: string;
  kid?: string;
  extraClaims?: Record<string, unknown>;
}

export interface TokenIssuer {
  url: string;
  sign(spec: TokenSpec): Promise<string>;
  /** a new signing key, published at once; returns its kid */
  rotate(): Promise<string>;
  jwksFetches(): number;
  close(): Promise<void>;
}

export async function startTokenIssuer(audience = 'apim-gateway'): Promise<TokenIssuer> {
  const keys: Array<{ kid: string; privateKey: CryptoKey; jwk: JWK }> = [];
  let fetches = 0;
  const addKey = async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
    return kid;
  };
  await addKey();
  const server = http.createServer((req, res) => {
    if (req.url === '/oauth2/jwks') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async sign(s) {
      const key = s.kid ? keys.find((k) => k.kid === s.kid)! : keys[keys.length - 1]!;
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        client_id: s.clientId,
        azp: s.clientId,
        scope: s.scope ?? '',
        aut: 'APPLICATION',
        keytype: s.keyType ?? 'PRODUCTION',
        application: { id: s.applicationId ?? null, name: 'app', owner: 'admin', tier: 'Unlimited' },
        ...(s.tokenType ? { token_type: s.tokenType } : {}),
        ...(s.permittedIP ? { permittedIP: s.permittedIP } : {}),
        ...(s.permittedReferer ? { permittedReferer: s.permittedReferer } : {}),
        ...s.extraClaims,
      };
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: s.typ ?? 'at+jwt' })
        .setIssuer(s.issuer ?? url)
        .setSubject(s.sub ?? s.clientId)
        .setAudience(s.audience ?? audience)
        .setJti(s.jti ?? randomUUID())
        .setNotBefore(now + (s.notBeforeSec ?? 0))
        .setExpirationTime(now + (s.expiresInSec ?? 3600));
      if (s.issuedAtSec !== null) jwt.setIssuedAt(now + (s.issuedAtSec ?? 0));
      return jwt.sign(key.privateKey);
    },
    rotate: addKey,
    jwksFetches: () => fetches,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

import { constants, createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The proof algorithms the gateway accepts: asymmetric only (RFC 9449 §4.3: never `none` or MACs). */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const;
type DpopAlgorithm = (typeof DPOP_ALGORITHMS)[number];

/** What a proof's signature check needs, derived once per distinct protected header. */
interface ProofKey {
  alg: DpopAlgorithm;
  key: KeyObject;
  /** RFC 7638 SHA-256 thumbprint of the header's jwk: what `cnf.jkt` names */
  jkt: string;
}

/** One request as far as its DPoP proof is concerned. */
export interface ProofSubject {
  /** the access token the proof came with (its hash is the proof's `ath`) */
  accessTokenHash: string;
  method: string;
  /** true when the proof's htu (already parsed) names this request's URL */
  htuMatches(htu: URL): boolean;
}

export type ProofCheck = { ok: true; jkt: string; jti: string } | { ok: false; description: string };

/** A client keeps one key for many proofs: its header's key import and thumbprint are done once. */
const HEADER_CACHE_MAX = 10_000;
/** Longer proofs or headers are refused before any parsing (a proof with a 4096-bit RSA key is ~1.5 KB). */
const MAX_PROOF_CHARS = 8192;
const MAX_JTI_CHARS = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MIN_RSA_BITS = 2048;

function refuse(description: string): ProofCheck {
  return { ok: false, description };
}

/** base64url(SHA-256(access token)): a proof's `ath` (RFC 9449 §4.2). */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function parseSegment(segment: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The key type and curve each algorithm needs: an alg paired with another kind of key is refused. */
function keyFitsAlgorithm(alg: DpopAlgorithm, jwk: JWK, key: KeyObject): boolean {
  switch (alg) {
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ES384':
      return jwk.kty === 'EC' && jwk.crv === 'P-384';
    case 'RS256':
    case 'PS256':
      return jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
    case 'EdDSA':
      return jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448');
  }
}

/**
 * Checks a DPoP proof's signature with node:crypto, synchronously. jose verifies through WebCrypto,
 * which took ~1.7x the CPU for ES256 here; the algorithm/key pairing jose would enforce is checked
 * explicitly in keyFitsAlgorithm.
 */
function signatureValid(k: ProofKey, signingInput: string, signature: Buffer): boolean {
  const data = Buffer.from(signingInput, 'latin1');
  switch (k.alg) {
    case 'ES256':
    case 'ES384':
      return verify(
        k.alg === 'ES256' ? 'sha256' : 'sha384',
        data,
        { key: k.key, dsaEncoding: 'ieee-p1363' },
        signature,
      );
    case 'RS256':
      return verify('sha256', data, k.key, signature);
    case 'PS256':
      // RFC 7518 §3.5: the salt is as long as the hash
      return verify(
        'sha256',
        data,
        { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        signature,
      );
    case 'EdDSA':
      return verify(null, data, k.key, signature);
  }
}

/**
 * Verifies DPoP proofs (RFC 9449 §4.3) but for their replay (the caller remembers the jti) and the
 * binding to the token (the caller compares the jkt with `cnf.jkt`).
 */
export class DpopProofVerifier {
  /** protected header segment -> its checked key (a client's proofs all share one header); bounded, oldest out */
  private readonly headers = new Map<string, ProofKey>();

  constructor(
    private readonly maxAgeSec: number,
    private readonly clockSkewSec: number,
  ) {}

  async verify(proof: string, subject: ProofSubject, now = Date.now()): Promise<ProofCheck> {
    if (proof.length > MAX_PROOF_CHARS) return refuse('The DPoP proof is too large');
    if (!COMPACT_JWS.test(proof))
      return refuse('The DPoP proof is not a compact JWS (header.payload.signature)');
    const dot1 = proof.indexOf('.');
    const dot2 = proof.indexOf('.', dot1 + 1);
    const headerSegment = proof.slice(0, dot1);
    let key = this.headers.get(headerSegment);
    if (!key) {
      const made = await this.keyOf(headerSegment);
      if (typeof made === 'string') return refuse(made);
      key = made;
      if (this.headers.size >= HEADER_CACHE_MAX) this.headers.delete(this.headers.keys().next().value!);
      this.headers.set(headerSegment, key);
    }
    let valid: boolean;
    try {
      valid = signatureValid(key, proof.slice(0, dot2), Buffer.from(proof.slice(dot2 + 1), 'base64url'));
    } catch {
      // OpenSSL refuses some malformed signatures (lengths, encodings) by throwing
      valid = false;
    }
    if (!valid) return refuse('The DPoP proof signature does not verify with the key in its header');
    const claims = parseSegment(proof.slice(dot1 + 1, dot2));
    if (!claims) return refuse('The DPoP proof payload is not a JSON object');
    const { jti, htm, htu, iat, ath } = claims;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_CHARS)
      return refuse(`The DPoP proof needs a "jti" of 1 to ${MAX_JTI_CHARS} characters`);
    if (htm !== subject.method)
      return refuse(`The DPoP proof is for method ${JSON.stringify(htm)}, not ${subject.method}`);
    if (typeof htu !== 'string') return refuse('The DPoP proof has no "htu"');
    let url: URL;
    try {
      url = new URL(htu);
    } catch {
      return refuse('The DPoP proof "htu" is not a URL');
    }
    if (!subject.htuMatches(url))
      return refuse(`The DPoP proof is for ${JSON.stringify(htu.slice(0, 200))}, not for this request's URL`);
    if (typeof iat !== 'number' || !Number.isFinite(iat))
      return refuse('The DPoP proof has no numeric "iat"');
    const nowSec = now / 1000;
    if (iat < nowSec - this.maxAgeSec)
      return refuse(
        `The DPoP proof is older than ${this.maxAgeSec} seconds: make a new one for each request`,
      );
    if (iat > nowSec + this.clockSkewSec) return refuse('The DPoP proof is issued in the future');
    if (ath !== subject.accessTokenHash)
      return refuse('The DPoP proof "ath" is not the hash of the access token it came with');
    return { ok: true, jkt: key.jkt, jti };
  }

  /** The protected header's key, checked for what a DPoP proof header must be; or why it is refused. */
  private async keyOf(segment: string): Promise<ProofKey | string> {
    const header = parseSegment(segment);
    if (!header) return 'The DPoP proof header is not a JSON object';
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
    if (typ !== 'dpop+jwt' && typ !== 'application/dpop+jwt')
      return 'The DPoP proof "typ" must be "dpop+jwt"';
    const alg = header.alg;
    if (typeof alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(alg))
      return `The DPoP proof algorithm must be one of ${DPOP_ALGORITHMS.join(', ')}`;
    // nothing the gateway would have to understand (RFC 7515 §4.1.11)
    if (header.crit !== undefined) return 'The DPoP proof header may not carry "crit"';
    const jwk = header.jwk;
    if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk))
      return 'The DPoP proof header needs the public key as "jwk"';
    const j = jwk as JWK;
    if (PRIVATE_MEMBERS.some((m) => m in j))
      return 'The DPoP proof "jwk" must be a public key (it has private members)';
    let key: KeyObject;
    try {
      key = createPublicKey({ key: j as JsonWebKey, format: 'jwk' });
    } catch {
      return 'The DPoP proof "jwk" is not a usable public key';
    }
    if (!keyFitsAlgorithm(alg as DpopAlgorithm, j, key))
      return `The DPoP proof "jwk" is not a key for ${alg}${j.kty === 'RSA' ? ` (RSA keys need ${MIN_RSA_BITS} bits or more)` : ''}`;
    return { alg: alg as DpopAlgorithm, key, jkt: await calculateJwkThumbprint(j, 'sha256') };
  }
}

import type { IncomingMessage } from 'node:http';
import { peerCertificateFingerprint } from './client-certificate.js';
import { accessTokenHash, DPOP_ALGORITHMS, DpopProofVerifier } from './sender-constraint-dpop.js';
import type { ProofReplayStore } from './sender-constraint-replay.js';

/** Why a sender-constrained token (or a DPoP presentation) is refused: 401 900901 with this challenge. */
export interface Refusal {
  description: string;
  /** the WWW-Authenticate value (RFC 9449 §7.1, RFC 6750 §3) */
  challenge: string;
}

export interface SenderConstraintOptions {
  proofMaxAgeSec: number;
  clockSkewSec: number;
  /** origins (scheme://host[:port]) clients are told to call this gateway at: APIM_GATEWAY_URL, APIM_GATEWAY_PUBLIC_URLS */
  publicOrigins: readonly string[];
}

type Scheme = 'Bearer' | 'DPoP';

const ALGS = DPOP_ALGORITHMS.join(' ');

/** A quoted-string for a challenge parameter: printable ASCII only, quotes and backslashes escaped. */
function quoted(s: string): string {
  return `"${s.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

function refusal(
  scheme: Scheme,
  error: 'invalid_token' | 'invalid_dpop_proof',
  description: string,
): Refusal {
  const algs = scheme === 'DPoP' ? `algs="${ALGS}", ` : '';
  return {
    description,
    challenge: `${scheme} ${algs}error="${error}", error_description=${quoted(description)}`,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The address a connection arrived at, as a URL host names it. */
function localHost(req: IncomingMessage): string {
  let a = req.socket.localAddress ?? '';
  if (a.startsWith('::ffff:')) a = a.slice(7);
  return a.includes(':') ? `[${a}]` : a;
}

/**
 * Sender-constrained access tokens: DPoP-bound ones (RFC 9449, `cnf.jkt`) are accepted only with the
 * `DPoP` scheme and a fresh proof signed by the bound key; certificate-bound ones (RFC 8705,
 * `cnf["x5t#S256"]`) only over a TLS connection whose client certificate is the bound one. The
 * authentication handler calls `check` only for a verified token that has `cnf` or came with the
 * `DPoP` scheme, so plain Bearer tokens pay nothing for it.
 *
 * A proof's `htu` must name this request: its path is the request's (query and fragment ignored), and
 * its origin is either one the gateway is configured to be called at (`publicOrigins`: behind a
 * TLS-terminating proxy or a port mapping, the URL clients use), or the connection's own: the scheme
 * of the listener (https on the TLS one), the port the connection arrived at, and a host name that is
 * this gateway's (the address it arrived at, `localhost` on loopback, an environment vhost, a public
 * origin's host) and the request's Host. A Host header alone is never trusted: APIs on the default
 * vhost answer any Host, so a proof made for another server would otherwise pass.
 */
export class SenderConstraints {
  private readonly proofs: DpopProofVerifier;
  private readonly publicOrigins: ReadonlySet<string>;
  private readonly publicHosts: ReadonlySet<string>;

  constructor(
    options: SenderConstraintOptions,
    /** host names of the environment's vhosts (they change with the event log) */
    private readonly vhosts: () => readonly string[],
    private readonly replays: ProofReplayStore,
  ) {
    this.proofs = new DpopProofVerifier(options.proofMaxAgeSec, options.clockSkewSec);
    this.publicOrigins = new Set(options.publicOrigins.map((o) => new URL(o).origin));
    this.publicHosts = new Set(options.publicOrigins.map((o) => new URL(o).hostname));
  }

  /**
   * Null when the token may be used on this request as it was presented; otherwise why not. `token`
   * is the access token as sent (a DPoP proof's `ath` is its hash).
   */
  async check(
    claims: Record<string, unknown>,
    scheme: Scheme,
    token: string,
    req: IncomingMessage,
  ): Promise<Refusal | null> {
    const cnf = claims.cnf;
    const jkt = isRecord(cnf) && typeof cnf.jkt === 'string' ? cnf.jkt : undefined;
    const x5t = isRecord(cnf) && typeof cnf['x5t#S256'] === 'string' ? cnf['x5t#S256'] : undefined;
    if (cnf !== undefined && jkt === undefined && x5t === undefined)
      return refusal(
        scheme,
        'invalid_token',
        'The access token is bound to a key in a way this gateway cannot check',
      );
    if (scheme === 'DPoP') {
      if (jkt === undefined)
        return refusal(
          'DPoP',
          'invalid_token',
          'The access token is not DPoP-bound: send it as "Authorization: Bearer <token>"',
        );
      const refused = await this.checkProof(jkt, token, req);
      if (refused) return refused;
    } else if (jkt !== undefined)
      return refusal(
        'DPoP',
        'invalid_token',
        'The access token is DPoP-bound: a DPoP proof is required (send "Authorization: DPoP <token>" and a "DPoP" proof header)',
      );
    if (x5t !== undefined) {
      const fingerprint = peerCertificateFingerprint(req.socket);
      if (!fingerprint)
        return refusal(
          scheme,
          'invalid_token',
          'The access token is bound to a client certificate: call over HTTPS presenting that certificate (mutual TLS)',
        );
      // x5t#S256 is the base64url SHA-256 of the certificate's DER, the fingerprint the same digest in hex
      if (Buffer.from(fingerprint, 'hex').toString('base64url') !== x5t)
        return refusal(
          scheme,
          'invalid_token',
          'The access token is bound to another client certificate than the one presented',
        );
    }
    return null;
  }

  private async checkProof(jkt: string, token: string, req: IncomingMessage): Promise<Refusal | null> {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || proof === '')
      return refusal('DPoP', 'invalid_dpop_proof', 'A DPoP proof header is required with the DPoP scheme');
    // node joins repeated headers with ", " (a JWS has no comma): RFC 9449 §4.3 wants exactly one
    if (proof.includes(','))
      return refusal('DPoP', 'invalid_dpop_proof', 'Send exactly one DPoP proof header');
    const checked = await this.proofs.verify(proof.trim(), {
      accessTokenHash: accessTokenHash(token),
      method: req.method ?? '',
      htuMatches: (htu) => this.htuMatches(htu, req),
    });
    if (!checked.ok) return refusal('DPoP', 'invalid_dpop_proof', checked.description);
    if (checked.jkt !== jkt)
      return refusal(
        'DPoP',
        'invalid_dpop_proof',
        'The DPoP proof is signed with another key than the one the access token is bound to',
      );
    // last: only a proof that passed every other check takes up room in the replay store
    if (!(await this.replays.firstUse(jkt, checked.jti)))
      return refusal(
        'DPoP',
        'invalid_dpop_proof',
        'The DPoP proof was used before: make a new one for each request',
      );
    return null;
  }

  /** Whether a proof's htu is this request's URL, as the class comment explains. */
  private htuMatches(htu: URL, req: IncomingMessage): boolean {
    const target = req.url ?? '';
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    if (htu.pathname !== path && htu.pathname !== new URL(path, 'http://x').pathname) return false;
    if (this.publicOrigins.has(htu.origin)) return true;
    const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
    if (htu.protocol !== (tls ? 'https:' : 'http:')) return false;
    const defaultPort = tls ? 443 : 80;
    if ((htu.port === '' ? defaultPort : Number(htu.port)) !== req.socket.localPort) return false;
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== htu.host && !(htu.port === '' && host === `${htu.host}:${defaultPort}`)) return false;
    const name = htu.hostname;
    const arrivedAt = localHost(req);
    return (
      name === arrivedAt ||
      (name === 'localhost' && (arrivedAt.startsWith('127.') || arrivedAt === '[::1]')) ||
      this.publicHosts.has(name) ||
      this.vhosts().some((v) => v.toLowerCase() === name)
    );
  }
}

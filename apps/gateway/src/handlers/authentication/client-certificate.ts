import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { certificateFingerprint, type KeyType } from '@apim/contracts';

/** An API client certificate as the authentication handler matches it (validity in epoch ms). */
export interface AdmittedCertificate {
  alias: string;
  fingerprint: string;
  tier: string;
  keyType: KeyType;
  userName: string | null;
  notBefore: number;
  notAfter: number;
}

/**
 * Fingerprints of the certificates clients presented, per connection: reading and hashing the
 * certificate again costs ~5 us, and a connection keeps the certificate of its handshake (a TLS 1.2
 * renegotiation could only swap in another certificate the same client holds; which certificates
 * an API admits, and their validity, are still checked on every request).
 */
const fingerprints = new WeakMap<TLSSocket, string | null>();

/**
 * The fingerprint of the certificate the client presented in the TLS handshake, or null over plain
 * HTTP or without one. The handshake proved that the client holds the certificate's private key.
 */
export function peerCertificateFingerprint(socket: Socket): string | null {
  if (!(socket instanceof TLSSocket)) return null;
  let f = fingerprints.get(socket);
  if (f === undefined) {
    const cert = socket.getPeerX509Certificate();
    f = cert ? certificateFingerprint(cert.fingerprint256) : null;
    fingerprints.set(socket, f);
  }
  return f;
}

/**
 * The API's certificate the client presented, when it is valid now; otherwise why the client is
 * refused, in words it can act on.
 */
export function admittedCertificate(
  socket: Socket,
  certificates: ReadonlyMap<string, AdmittedCertificate>,
  now = Date.now(),
): AdmittedCertificate | string {
  const fingerprint = peerCertificateFingerprint(socket);
  if (!fingerprint)
    return 'This API needs a client certificate: call it over HTTPS presenting one (mutual TLS)';
  const c = certificates.get(fingerprint);
  if (!c) return 'The client certificate is not one that this API admits';
  if (now >= c.notAfter) return `The client certificate expired on ${new Date(c.notAfter).toISOString()}`;
  if (now < c.notBefore)
    return `The client certificate is valid only from ${new Date(c.notBefore).toISOString()}`;
  return c;
}

import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { certificateFingerprint } from '@apim/contracts';

/** An API client certificate as the authentication handler matches it (validity in epoch ms). */
export interface AdmittedCertificate {
  alias: string;
  fingerprint: string;
  tier: string;
  notBefore: number;
  notAfter: number;
}

/**
 * The fingerprint of the certificate the client presented in the TLS handshake, or null over plain
 * HTTP or without one. The handshake proved that the client holds the certificate's private key.
 */
export function peerCertificateFingerprint(socket: Socket): string | null {
  if (!(socket instanceof TLSSocket)) return null;
  // an empty object when the client sent no certificate
  const f = socket.getPeerCertificate().fingerprint256 as string | undefined;
  return f ? certificateFingerprint(f) : null;
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

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A PEM certificate and its PEM private key. */
export interface TestCertificate {
  cert: string;
  key: string;
}

/**
 * A self-signed certificate (EC P-256) made by openssl, as a real client or server would have it.
 * `days` below one makes one that expired that many days ago; `ipAddress` names the server's
 * address in its subjectAltName.
 */
export function selfSignedCertificate(
  commonName: string,
  options: { days?: number; ipAddress?: string } = {},
): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'apim-cert-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const days = options.days ?? 1;
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem'];
  const subject = ['-subj', `/CN=${commonName}`];
  try {
    if (days > 0)
      openssl(
        'req',
        '-x509',
        ...key,
        ...subject,
        '-out',
        'cert.pem',
        '-days',
        String(days),
        ...(options.ipAddress ? ['-addext', `subjectAltName=IP:${options.ipAddress}`] : []),
      );
    else {
      // `req -x509` refuses a past end date; `x509 -req` signs one (valid from now, ending |days| ago)
      openssl('req', '-new', ...key, ...subject, '-out', 'cert.csr');
      openssl(
        'x509',
        '-req',
        '-in',
        'cert.csr',
        '-signkey',
        'key.pem',
        '-days',
        String(days),
        '-out',
        'cert.pem',
      );
    }
    return {
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

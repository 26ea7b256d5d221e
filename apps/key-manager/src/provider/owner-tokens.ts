/**
 * Tokens of an application's client issued without its consumer secret, for the application's
 * signed-in owner (WSO2's devportal generates them so; the secret is shown once and kept only as
 * a hash, so nobody can present it later). The control plane authenticates the user, checks that
 * they own the application and asks over the internal API. The token comes from the provider's
 * own token endpoint, called in process with a one-time credential: the same client_credentials
 * grant, scopes (the owner's roles), lifetime (validity_period), claims and records as any token
 * of the client, with no second issuing path to keep in step.
 */
import inject from 'light-my-request';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientSecretBasic, randomSecret } from '@apim/service';
import { Routes } from './routes.js';

export interface OwnerTokenRequest {
  scopes: string[];
  /** seconds, or -1 for the client's validity time */
  validityPeriod?: number;
}

export interface TokenEndpointAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Credentials that authenticate one client at the token endpoint once, within one call. */
export class OneTimeCredentials {
  /** credential -> client id; an entry lives only while its in-process request runs */
  private readonly pending = new Map<string, string>();

  /**
   * Whether `presented` is a live credential of `clientId` (then used up). The credential is 256
   * random bits looked up by value: nothing about it can be learnt from how long the lookup takes.
   */
  accept(clientId: string, presented: string): boolean {
    if (this.pending.get(presented) !== clientId) return false;
    this.pending.delete(presented);
    return true;
  }

  /** client_credentials for `clientId` at the token endpoint served by `handle`. */
  async issue(
    handle: (req: IncomingMessage, res: ServerResponse) => void,
    clientId: string,
    request: OwnerTokenRequest,
  ): Promise<TokenEndpointAnswer> {
    const credential = randomSecret();
    this.pending.set(credential, clientId);
    try {
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      if (request.scopes.length) form.set('scope', request.scopes.join(' '));
      if (request.validityPeriod !== undefined) form.set('validity_period', String(request.validityPeriod));
      const res = await inject(handle, {
        method: 'POST',
        url: Routes.token,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: clientSecretBasic(clientId, credential),
        },
        payload: form.toString(),
      });
      return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
    } finally {
      this.pending.delete(credential);
    }
  }
}

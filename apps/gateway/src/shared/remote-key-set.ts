import { createRemoteJWKSet, customFetch, type RemoteJWKSet } from 'jose';
import { fetch, type Dispatcher } from 'undici';
import { tracedCall } from '@apim/service';

export interface RemoteKeySetOptions {
  /** how soon after a fetch an unknown `kid` may fetch again (jose's cooldownDuration; 30 s if unset) */
  cooldownMs?: number;
  /** the connections to fetch through (the outbound URL policy's); undici's global pool if unset */
  dispatcher?: Dispatcher;
}

/**
 * jose's remote JSON Web Key Set, fetched with undici and traced: when tracing is on, a fetch is a
 * client span of the request whose token made the gateway fetch (an issuer's first token, an unknown
 * `kid`), and the issuer gets its traceparent, so a slow first request shows where its time went.
 */
export function remoteKeySet(url: URL, o: RemoteKeySetOptions = {}): RemoteJWKSet {
  return createRemoteJWKSet(url, {
    ...(o.cooldownMs === undefined ? {} : { cooldownDuration: o.cooldownMs }),
    [customFetch]: (input, { headers, ...init }) =>
      tracedCall('JWKS fetch', { 'url.full': input }, (trace) =>
        // undici's fetch (the one that takes a dispatcher) answers undici's Response type
        fetch(input, {
          ...init,
          headers: [...headers, ...Object.entries(trace)],
          dispatcher: o.dispatcher,
        }),
      ) as unknown as Promise<Response>,
  });
}

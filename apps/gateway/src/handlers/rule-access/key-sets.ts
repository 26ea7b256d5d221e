import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { Agent, fetch } from 'undici';
import type { OutboundUrlPolicy } from '@apim/service';
import { DeploymentError } from '../../pipeline/deployment-error.js';

/**
 * The JSON Web Key Sets rules name, one per URI for the node's life and shared by every API that
 * names it, so a key set is fetched once and follows jose's caching: refetched on an unknown `kid`
 * at most once per cooldown, and after `cacheMaxAge`. Fetched through the outbound URL policy.
 */
export class RuleKeySets {
  private readonly sets = new Map<string, JWTVerifyGetKey>();
  private readonly agent: Agent;

  constructor(private readonly policy: OutboundUrlPolicy) {
    this.agent = new Agent({ connect: { lookup: policy.lookup } });
  }

  /** The key set at `uri`; a URI the outbound policy refuses refuses the deployment. */
  get(uri: string): JWTVerifyGetKey {
    const known = this.sets.get(uri);
    if (known) return known;
    const url = new URL(uri);
    const refused = this.policy.hostRefusal(url);
    if (refused) throw new DeploymentError(`jwksUri ${uri}: ${refused}`);
    const keys = createRemoteJWKSet(url, {
      cooldownDuration: 30_000,
      // undici's fetch (the one that takes our dispatcher) answers undici's Response type
      [customFetch]: (input, { headers, ...init }) =>
        fetch(input, {
          ...init,
          headers: [...headers],
          dispatcher: this.agent,
        }) as unknown as Promise<Response>,
    });
    this.sets.set(uri, keys);
    return keys;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

import type { JWTVerifyGetKey } from 'jose';
import { Agent } from 'undici';
import type { OutboundUrlPolicy } from '@apim/service';
import { DeploymentError } from '../../pipeline/deployment-error.js';
import { remoteKeySet } from '../../shared/remote-key-set.js';

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
    const keys = remoteKeySet(url, { cooldownMs: 30_000, dispatcher: this.agent });
    this.sets.set(uri, keys);
    return keys;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

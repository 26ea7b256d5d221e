import { OutboundUrlPolicy } from '@apim/service';
import type { Shared } from '../../pipeline/handler-module.js';
import { ExternalAuthorizers } from './ext-authz.js';
import { RuleKeySets } from './key-sets.js';

/** What rule-access keeps for the node's life: the rules' key sets and the authorizers' pools. */
export interface RuleAccessServices {
  keySets: RuleKeySets;
  authorizers: ExternalAuthorizers;
  close(): Promise<void>;
}

export function ruleAccessServices({ config, state, logger }: Shared): RuleAccessServices {
  const policy = new OutboundUrlPolicy(config.outboundUrlAllowlist);
  const keySets = new RuleKeySets(policy);
  const authorizers = new ExternalAuthorizers(state, policy, logger);
  return {
    keySets,
    authorizers,
    async close() {
      await Promise.all([keySets.close(), authorizers.close()]);
    },
  };
}

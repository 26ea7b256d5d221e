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

/**
 * APIM_OUTBOUND_URL_ALLOWLIST as the gateway's config reads it (readOutboundUrlAllowlist in
 * @apim/service). Until config.ts has the setting, no list: every host but the forbidden ones.
 */
function allowlistOf(config: Shared['config']): readonly string[] {
  return (config as { outboundUrlAllowlist?: readonly string[] }).outboundUrlAllowlist ?? [];
}

export function ruleAccessServices({ config, state, logger }: Shared): RuleAccessServices {
  const policy = new OutboundUrlPolicy(allowlistOf(config));
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

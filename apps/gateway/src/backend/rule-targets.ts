import type { GatewayOperation } from '@apim/contracts';
import { DeploymentError } from '../pipeline/deployment-error.js';
import type { BackendTarget, EndpointGroup } from './endpoints.js';

const isHttpUrl = (url: string) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);

/**
 * The backends of the operations whose rule names its own service or timeout (Kyma's per-rule
 * `service` and `timeout`), built at deploy from the API's; null when no rule does, so the backend
 * stage pays one property read for every other API. A service serves every key type (callers of a
 * rule are not applications); operations naming one URL share its endpoint and its failure record.
 */
export function ruleTargets(
  api: Pick<BackendTarget, 'groups' | 'timeoutMs'>,
  operations: readonly GatewayOperation[],
  serviceGroup: (url: string) => EndpointGroup,
): ReadonlyMap<GatewayOperation, BackendTarget> | null {
  const services = new Map<string, EndpointGroup>();
  const service = (url: string) => {
    let group = services.get(url);
    if (!group) services.set(url, (group = serviceGroup(url)));
    return group;
  };
  const targets = new Map<GatewayOperation, BackendTarget>();
  for (const op of operations) {
    const url = op.rule?.service?.url;
    const timeoutMs = op.rule?.timeoutMs;
    if (url === undefined && timeoutMs === undefined) continue;
    if (url !== undefined && !isHttpUrl(url))
      throw new DeploymentError(`${op.verb} ${op.target}: the rule's service ${url} is not an http(s) URL`);
    // undici reads a timeout of 0 as none at all
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
      throw new DeploymentError(`${op.verb} ${op.target}: the rule's timeoutMs must be a positive integer`);
    targets.set(op, {
      groups: url === undefined ? api.groups : { PRODUCTION: service(url), SANDBOX: service(url) },
      timeoutMs: timeoutMs ?? api.timeoutMs,
      byOperation: null,
    });
  }
  return targets.size > 0 ? targets : null;
}

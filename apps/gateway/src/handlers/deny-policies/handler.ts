import type { GatewayDenyPolicy } from '@apim/contracts';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import type { GatewayState } from '../../store/state.js';
import { errorResponse } from '../../pipeline/respond.js';
import type { RequestContext } from '../../pipeline/types.js';
import { ipInRange, sameIp } from '../../shared/conditions.js';
import { schema, type DenyPoliciesConfig } from './schema.js';

type Value = string | { [k: string]: unknown };

function field(v: Value, ...names: string[]): unknown {
  if (typeof v !== 'object' || v === null) return undefined;
  for (const n of names) if (v[n] !== undefined) return v[n];
  return undefined;
}

/**
 * WSO2's blocking conditions. Values: API -> its context (with or without version); APPLICATION ->
 * "owner:name" or the application id; USER -> a user name; IP -> an address (or { fixedIp, invert });
 * IPRANGE -> { startingIp, endingIp, invert }.
 */
function matches(d: GatewayDenyPolicy, ctx: RequestContext, config: DenyPoliciesConfig): boolean {
  const v = d.conditionValue as Value;
  const cred = ctx.credential;
  switch (d.conditionType) {
    case 'API': {
      const c = typeof v === 'string' ? v : String(field(v, 'context', 'apiContext') ?? '');
      return c === config.apiContext || c === `${config.apiContext}/${config.apiVersion}`;
    }
    case 'APPLICATION': {
      const app = cred?.application;
      if (!app) return false;
      const s = typeof v === 'string' ? v : String(field(v, 'id', 'applicationId') ?? '');
      return s === app.id || s === `${app.ownerName}:${app.name}`;
    }
    case 'USER':
      return cred?.username != null && (typeof v === 'string' ? v : field(v, 'username')) === cred.username;
    case 'IP': {
      const ip = typeof v === 'string' ? v : String(field(v, 'fixedIp', 'ip') ?? '');
      return sameIp(ctx.clientIp, ip) !== (field(v, 'invert') === true);
    }
    case 'IPRANGE': {
      const start = String(field(v, 'startingIp') ?? '');
      const end = String(field(v, 'endingIp') ?? '');
      return ipInRange(ctx.clientIp, start, end) !== (field(v, 'invert') === true);
    }
  }
}

/** Refuses (403 / 900805) any request an enabled deny policy matches. */
export const denyPolicies: HandlerModule<DenyPoliciesConfig, { state: GatewayState }> = {
  name: 'deny-policies',
  schema,
  init: ({ state }) => ({ state }),
  configOf: (api) => ({ apiContext: api.context, apiVersion: api.version }),
  create(config, { state }) {
    return {
      name: 'deny-policies',
      onRequest(ctx) {
        for (const d of state.denyPolicies.values())
          if (d.enabled && matches(d, ctx, config)) return errorResponse('BLOCKED_BY_DENY_POLICY');
        return undefined;
      },
    };
  },
};

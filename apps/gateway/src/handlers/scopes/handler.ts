import type { HandlerModule } from '../../pipeline/handler-module.js';
import { errorResponse } from '../../pipeline/respond.js';
import { schema, type ScopesConfig } from './schema.js';

const opKey = (verb: string, target: string) => `${verb} ${target}`;

/**
 * A resource with scopes admits a token, or Basic credentials, carrying at least one of them (900910
 * otherwise). API keys and client certificates carry no scopes: scopes do not apply to them (WSO2).
 * An operation with a rule has its own authorizations (rule-access), not the API's scopes.
 */
export const scopes: HandlerModule<ScopesConfig> = {
  name: 'scopes',
  schema,
  configOf(api) {
    if (api.lifecycleStatus === 'PROTOTYPED') return null;
    const byOperation: Record<string, string[]> = {};
    for (const op of api.operations)
      if (op.authEnabled && !op.rule && op.scopes.length > 0)
        byOperation[opKey(op.verb, op.target)] = op.scopes;
    return Object.keys(byOperation).length > 0 ? { byOperation } : null;
  },
  create(config) {
    const required = new Map(Object.entries(config.byOperation));
    return {
      name: 'scopes',
      onRequest(ctx) {
        const needed = required.get(opKey(ctx.operation.verb, ctx.operation.target));
        const cred = ctx.credential;
        if (!needed || !cred || cred.kind === 'apiKey' || cred.kind === 'mutualssl') return undefined;
        if (needed.some((s) => cred.scopes.has(s))) return undefined;
        return errorResponse(
          'INVALID_SCOPE',
          cred.kind === 'basic'
            ? `The user has no role bound to a scope this resource requires (one of: ${needed.join(', ')})`
            : `The access token does not carry a scope this resource requires (one of: ${needed.join(', ')})`,
        );
      },
    };
  },
};

import type { RuleAccess } from '@apim/contracts';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import type { Outcome, RequestContext } from '../../pipeline/types.js';
import { JwtCheck } from './jwt-check.js';
import { operationKey, schema, type RuleAccessConfig } from './schema.js';
import { ruleAccessServices, type RuleAccessServices } from './services.js';

type AccessCheck = (ctx: RequestContext) => Outcome | Promise<Outcome>;

/** One rule's strategy, compiled at deployment: its key sets and authorizer names resolved once. */
function compile(access: RuleAccess, services: RuleAccessServices): AccessCheck {
  switch (access.strategy) {
    case 'noAuth':
      return () => undefined;
    case 'jwt': {
      const jwt = new JwtCheck(access.jwt, services.keySets);
      return (ctx) => jwt.check(ctx);
    }
    case 'extAuth': {
      const names = access.authorizers;
      const restrictions = access.restrictions && new JwtCheck(access.restrictions, services.keySets);
      if (!restrictions) return (ctx) => services.authorizers.authorize(names, ctx);
      // a bad token is refused here, before any authorizer is asked
      return async (ctx) => (await restrictions.check(ctx)) ?? services.authorizers.authorize(names, ctx);
    }
  }
}

/**
 * The access strategy of operations with a rule (Kyma's APIRule): noAuth, jwt from the rule's
 * issuers, or extAuth (external authorizers, Envoy ext_authz). It takes the place of
 * authentication, scopes and subscription validation for those operations, which skip them; the
 * API's other operations are not its business. Callers of a rule are no applications: no
 * credential is set.
 */
export const ruleAccess: HandlerModule<RuleAccessConfig, RuleAccessServices> = {
  name: 'rule-access',
  schema,
  init: ruleAccessServices,
  configOf(api) {
    const rules = api.operations.flatMap((op) =>
      op.rule ? [{ operation: operationKey(op.verb, op.target), access: op.rule.access }] : [],
    );
    return rules.length > 0 ? { rules } : null;
  },
  create(config, services) {
    const checks = new Map<string, AccessCheck>();
    // operations match in their order: of two with the same verb and target, the first is served
    for (const r of config.rules)
      if (!checks.has(r.operation)) checks.set(r.operation, compile(r.access, services));
    return {
      name: 'rule-access',
      onRequest(ctx) {
        const op = ctx.operation;
        return op.rule ? checks.get(operationKey(op.verb, op.target))!(ctx) : undefined;
      },
    };
  },
};

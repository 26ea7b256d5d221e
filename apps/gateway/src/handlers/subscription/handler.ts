import type { HandlerModule } from '../../pipeline/handler-module.js';
import { PerIdMemo } from '../../shared/per-id-memo.js';
import { errorResponse } from '../../pipeline/respond.js';
import type { Outcome, RequestContext } from '../../pipeline/types.js';
import { subscriptionKey, type GatewayState } from '../../store/state.js';
import { schema, type SubscriptionConfig } from './schema.js';

/**
 * The calling application must be approved and subscribed to this API with an active subscription
 * (PROD_ONLY_BLOCKED still admits sandbox keys). Unauthenticated resources, Basic user credentials
 * and client certificates (which belong to no application, as in WSO2) skip the check, and so do
 * operations with a rule: callers of a rule are not applications.
 */
export const subscription: HandlerModule<SubscriptionConfig, { state: GatewayState }> = {
  name: 'subscription',
  schema,
  init: ({ state }) => ({ state }),
  configOf: (api) => (api.lifecycleStatus === 'PROTOTYPED' ? null : { apiId: api.id }),
  create(config, { state }) {
    const keyOf = new PerIdMemo((applicationId) => subscriptionKey(applicationId, config.apiId));
    const check = (ctx: RequestContext): Outcome => {
      const cred = ctx.credential;
      if (!cred || cred.kind === 'basic' || cred.kind === 'mutualssl' || ctx.operation.rule) return undefined;
      const app = cred.application;
      if (!cred.applicationId || !app)
        return errorResponse(
          'RESOURCE_FORBIDDEN',
          'The credential does not belong to an application of this gateway',
        );
      if (app.status !== 'APPROVED')
        return errorResponse('RESOURCE_FORBIDDEN', 'The application is not approved');
      const sub = state.subscriptions.get(keyOf.get(cred.applicationId));
      if (!sub) return errorResponse('RESOURCE_FORBIDDEN');
      if (sub.status === 'UNBLOCKED' || (sub.status === 'PROD_ONLY_BLOCKED' && cred.keyType === 'SANDBOX'))
        return undefined;
      return errorResponse('SUBSCRIPTION_INACTIVE');
    };
    // an open WebSocket connection or event stream ends when its subscription goes or is blocked
    return { name: 'subscription', onRequest: check, onRecheck: check };
  },
};

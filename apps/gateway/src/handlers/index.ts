import type { HandlerModule, HandlerServices } from '../pipeline/handler-module.js';
import { apiStatus } from './api-status/handler.js';
import { cors } from './cors/handler.js';
import { denyPolicies } from './deny-policies/handler.js';
import { responseCache } from './response-cache/handler.js';
import { schemaValidation } from './schema-validation/handler.js';
import { transformation } from './transformation/handler.js';
import { authentication } from './authentication/handler.js';
import { ruleAccess } from './rule-access/handler.js';
import { backendJwt } from './backend-jwt/handler.js';
import { requestMutation } from './request-mutation/handler.js';
import { scopes } from './scopes/handler.js';
import { subscription } from './subscription/handler.js';
import { throttling } from './throttling/handler.js';
import { graphql } from './graphql/handler.js';

/** Forgets a module's types; compile.ts validates each config against the module's schema. */
function erase<C, S extends HandlerServices>(m: HandlerModule<C, S>): HandlerModule<unknown> {
  return {
    name: m.name,
    schema: m.schema,
    // a module without init gets no services: HandlerSet.install gives it an empty object
    init: m.init,
    configOf: (api, services) => m.configOf(api, services as S),
    create: (c, services, api) => m.create(c as C, services as S, api),
  };
}

/** Every handler, in the order a request meets them (responses see them in reverse). */
export const handlerModules: ReadonlyArray<HandlerModule<unknown>> = [
  erase(cors),
  erase(apiStatus),
  erase(ruleAccess),
  erase(authentication),
  erase(scopes),
  erase(subscription),
  erase(denyPolicies),
  erase(throttling),
  erase(graphql),
  erase(schemaValidation),
  erase(transformation),
  erase(responseCache),
  erase(requestMutation),
  erase(backendJwt),
];

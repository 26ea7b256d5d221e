/**
 * The server-rendered pages: login and consent for authorizations in progress (oidc-provider
 * "interactions", login-consent.ts) and self sign-up (signup.ts). Plain HTML forms (views.ts).
 */
import Router from '@koa/router';
import type Provider from 'oidc-provider';
import type { PrismaClient } from '@apim/db';
import type { Logger, TrustedProxies } from '@apim/service';
import type { Lookups } from '../../adapters/lookups.js';
import type { UserLogin } from '../../models/user-login.js';
import { loginConsentRoutes } from './login-consent.js';
import { pageErrors } from './page-responses.js';
import { signupRoutes } from './signup.js';

export interface InteractionDeps {
  prisma: PrismaClient;
  lookups: Lookups;
  provider: () => Provider;
  logins: UserLogin;
  logger: Logger;
  proxies: TrustedProxies;
}

export function interactionRoutes(deps: InteractionDeps): Router {
  const router = new Router();
  router.use((ctx, next) => pageErrors(ctx, next, deps.logger));
  loginConsentRoutes(router, deps);
  signupRoutes(router, deps);
  return router;
}

/**
 * Login and consent for authorizations in progress (oidc-provider "interactions"). The interaction
 * cookie (SameSite=Lax, scoped to the interaction's path) ties each form post to the browser that
 * started the authorization.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { PrismaClient } from '@apim/db';
import { callerAddress } from '../../helpers/caller-address.js';
import { CONSOLE_CLIENT_ID } from '../../models/builtin-clients.js';
import { selfSignUpSetting } from '../../models/self-signup-setting.js';
import { INTERACTION_PATH, SIGNUP_PATH } from '../../provider/routes.js';
import { field, html } from './page-responses.js';
import type { InteractionDeps } from './routes.js';
import { consentPage, loginPage, messagePage } from './views.js';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Clients of this installation whose users are not asked for consent. */
const FIRST_PARTY = new Set([CONSOLE_CLIENT_ID]);

async function signupLink(prisma: PrismaClient, uid: string): Promise<string | undefined> {
  return (await selfSignUpSetting(prisma)).enabled
    ? `${SIGNUP_PATH}?interaction=${encodeURIComponent(uid)}`
    : undefined;
}

/** Grants what the consent prompt found missing (resource scopes are already narrowed to the user's). */
async function grantMissing(provider: Provider, details: Details): Promise<string> {
  const { prompt, params, session, grantId } = details;
  const grant =
    (grantId ? await provider.Grant.find(grantId) : undefined) ??
    new provider.Grant({ accountId: session!.accountId, clientId: params.client_id as string });
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

/** The login and consent steps of an authorization: `${INTERACTION_PATH}/:uid[/login|/confirm|/abort]`. */
export function loginConsentRoutes(router: Router, deps: InteractionDeps): void {
  const { prisma } = deps;

  const finish = async (ctx: Context, result: Record<string, unknown>, merge: boolean) => {
    const to = await deps
      .provider()
      .interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(to);
  };

  const showLogin = async (
    ctx: Context,
    details: Details,
    status = 200,
    error?: string,
    username?: string,
  ) => {
    const client = await deps.provider().Client.find(details.params.client_id as string);
    html(
      ctx,
      status,
      loginPage({
        action: `${INTERACTION_PATH}/${details.uid}/login`,
        abortAction: `${INTERACTION_PATH}/${details.uid}/abort`,
        clientName: client?.clientName ?? String(details.params.client_id),
        signupUrl: await signupLink(prisma, details.uid),
        error,
        username,
      }),
    );
  };

  router.get(`${INTERACTION_PATH}/:uid`, async (ctx) => {
    const provider = deps.provider();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === 'login') return showLogin(ctx, details);
    const clientId = details.params.client_id as string;
    if (FIRST_PARTY.has(clientId))
      return finish(ctx, { consent: { grantId: await grantMissing(provider, details) } }, true);
    const client = await provider.Client.find(clientId);
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const scopes = [
      ...(missing.missingOIDCScope ?? []).filter((s) => s !== 'openid'),
      ...Object.values(missing.missingResourceScopes ?? {}).flat(),
    ];
    html(
      ctx,
      200,
      consentPage({
        action: `${INTERACTION_PATH}/${details.uid}/confirm`,
        abortAction: `${INTERACTION_PATH}/${details.uid}/abort`,
        clientName: client?.clientName ?? clientId,
        username: details.session?.accountId ?? '',
        scopes,
      }),
    );
  });

  router.post(`${INTERACTION_PATH}/:uid/login`, async (ctx) => {
    const details = await deps.provider().interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'login')
      return html(ctx, 400, messagePage('Unexpected request', 'This step is already done.'));
    const username = field(ctx, 'username').trim();
    const password = field(ctx, 'password');
    const login = await deps.logins.check(username, password, callerAddress(deps.proxies, ctx.req));
    if (!login.ok && login.retryAfter) {
      ctx.set('Retry-After', String(login.retryAfter));
      return showLogin(
        ctx,
        details,
        429,
        `Too many failed sign-in attempts. Try again in ${login.retryAfter} seconds.`,
        username,
      );
    }
    if (!login.ok) return showLogin(ctx, details, 401, 'Invalid username or password.', username);
    await finish(ctx, { login: { accountId: login.username } }, false);
  });

  router.post(`${INTERACTION_PATH}/:uid/confirm`, async (ctx) => {
    const provider = deps.provider();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'consent')
      return html(ctx, 400, messagePage('Unexpected request', 'Sign in first.'));
    await finish(ctx, { consent: { grantId: await grantMissing(provider, details) } }, true);
  });

  router.post(`${INTERACTION_PATH}/:uid/abort`, async (ctx) => {
    await deps.provider().interactionDetails(ctx.req, ctx.res);
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
  });
}

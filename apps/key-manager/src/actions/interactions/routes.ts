/**
 * Login and consent for authorizations in progress (oidc-provider "interactions"), and self
 * sign-up. Server-rendered forms; the interaction cookie (SameSite=Lax, scoped to the
 * interaction's path) ties each form post to the browser that started the authorization.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { PrismaClient } from '@apim/db';
import { hashPassword, type Logger, type TrustedProxies } from '@apim/service';
import { callerAddress } from '../../helpers/caller-address.js';
import type { Lookups } from '../../adapters/lookups.js';
import type { UserLogin } from '../../models/user-login.js';
import { CONSOLE_CLIENT_ID } from '../../models/builtin-clients.js';
import { INTERACTION_PATH, SIGNUP_PATH } from '../../provider/routes.js';
import { selfSignUpSetting } from '../../models/self-signup-setting.js';
import { consentPage, loginPage, messagePage, signupPage } from './views.js';

export interface InteractionDeps {
  prisma: PrismaClient;
  lookups: Lookups;
  provider: () => Provider;
  logins: UserLogin;
  logger: Logger;
  proxies: TrustedProxies;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Clients of this installation whose users are not asked for consent. */
const FIRST_PARTY = new Set([CONSOLE_CLIENT_ID]);

const USERNAME = /^[A-Za-z0-9._@-]{3,64}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

function html(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

function field(ctx: Context, name: string): string {
  const v = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

/** Errors of these pages are pages, not JSON. */
async function pageErrors(ctx: Context, next: Next, logger: Logger): Promise<void> {
  try {
    await next();
  } catch (e) {
    const err = e as Error & { name: string };
    if (err.name === 'SessionNotFound') {
      html(
        ctx,
        400,
        messagePage(
          'Sign-in expired',
          'This sign-in has expired or was opened in another browser. Start again from the application.',
        ),
      );
      return;
    }
    logger.error({ err }, 'interaction error');
    html(
      ctx,
      500,
      messagePage('Something went wrong', 'The request could not be completed. Try again later.'),
    );
  }
}

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

export function interactionRoutes(deps: InteractionDeps): Router {
  const { prisma } = deps;
  const router = new Router();
  router.use((ctx, next) => pageErrors(ctx, next, deps.logger));

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

  router.get(SIGNUP_PATH, async (ctx) => {
    if (!(await selfSignUpSetting(prisma)).enabled)
      return html(ctx, 403, messagePage('Sign-up is closed', 'Ask an administrator for an account.'));
    const uid = typeof ctx.query.interaction === 'string' ? ctx.query.interaction : '';
    html(
      ctx,
      200,
      signupPage({ action: `${SIGNUP_PATH}${uid ? `?interaction=${encodeURIComponent(uid)}` : ''}` }),
    );
  });

  router.post(SIGNUP_PATH, async (ctx) => {
    const setting = await selfSignUpSetting(prisma);
    if (!setting.enabled)
      return html(ctx, 403, messagePage('Sign-up is closed', 'Ask an administrator for an account.'));
    const uid =
      typeof ctx.query.interaction === 'string' && /^[\w-]{1,64}$/.test(ctx.query.interaction)
        ? ctx.query.interaction
        : '';
    const action = `${SIGNUP_PATH}${uid ? `?interaction=${uid}` : ''}`;
    const values = {
      username: field(ctx, 'username').trim(),
      email: field(ctx, 'email').trim(),
      displayName: field(ctx, 'displayName').trim(),
    };
    const password = field(ctx, 'password');
    const problem = !USERNAME.test(values.username)
      ? 'Choose a username of 3 to 64 letters, digits or . _ @ -'
      : password.length < 8 || password.length > 1024
        ? 'Choose a password of at least 8 characters.'
        : values.email && !EMAIL.test(values.email)
          ? 'Enter a valid email address, or leave it empty.'
          : values.displayName.length > 200
            ? 'The name is too long.'
            : undefined;
    if (problem) return html(ctx, 400, signupPage({ action, error: problem, values }));
    const roles = await prisma.role.findMany({
      where: { name: { in: setting.roles } },
      select: { name: true },
    });
    try {
      await prisma.user.create({
        data: {
          username: values.username,
          email: values.email || null,
          displayName: values.displayName || null,
          passwordHash: await hashPassword(password),
          roles: { create: roles.map((r) => ({ roleName: r.name })) },
        },
      });
      deps.lookups.clear();
    } catch (e) {
      if ((e as { code?: string }).code === 'P2002')
        return html(
          ctx,
          409,
          signupPage({ action, error: 'That username or email is already taken.', values }),
        );
      throw e;
    }
    html(
      ctx,
      201,
      messagePage(
        'Account created',
        `Welcome, ${values.username}. You can now sign in.`,
        uid ? { href: `${INTERACTION_PATH}/${uid}`, text: 'Continue signing in' } : undefined,
      ),
    );
  });

  return router;
}

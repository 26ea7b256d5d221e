/** Self sign-up for the developer portal (when the admins leave it on): `/signup`. */
import type Router from '@koa/router';
import { setAuditContext, SystemActors } from '@apim/db';
import { hashPassword } from '@apim/service';
import { callerAddress } from '../../helpers/caller-address.js';
import { selfSignUpSetting } from '../../models/self-signup-setting.js';
import { INTERACTION_PATH, SIGNUP_PATH } from '../../provider/routes.js';
import { field, html } from './page-responses.js';
import type { InteractionDeps } from './routes.js';
import { messagePage, signupPage } from './views.js';

const USERNAME = /^[A-Za-z0-9._@-]{3,64}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function signupRoutes(router: Router, deps: InteractionDeps): void {
  const { prisma } = deps;

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
      const passwordHash = await hashPassword(password);
      await prisma.$transaction(async (tx) => {
        // the audit log says the account and its roles came from sign-up, and from where
        await setAuditContext(tx, {
          actorName: SystemActors.keyManager,
          action: 'signUp',
          method: 'POST',
          path: SIGNUP_PATH,
          ip: callerAddress(deps.proxies, ctx.req),
        });
        await tx.user.create({
          data: {
            username: values.username,
            email: values.email || null,
            displayName: values.displayName || null,
            passwordHash,
            roles: { create: roles.map((r) => ({ roleName: r.name })) },
          },
        });
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
}

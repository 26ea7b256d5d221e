/** How the interaction and sign-up pages answer: HTML never cached, form fields, errors as pages. */
import type { Context, Next } from 'koa';
import type { Logger } from '@apim/service';
import { messagePage } from './views.js';

export function html(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

export function field(ctx: Context, name: string): string {
  const v = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

/** Errors of these pages are pages, not JSON. */
export async function pageErrors(ctx: Context, next: Next, logger: Logger): Promise<void> {
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

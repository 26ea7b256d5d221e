/** Self sign-up in the developer portal, when the admin allows it. */
import { Roles } from '@apim/contracts';
import { type Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { createAccount, userDto } from './users.js';
import { HttpError } from '../http/errors.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';

export function signUpOperations(ctx: AppContext): OperationSpec<never, never>[] {
  const { prisma } = ctx;

  return [
    operation<Devportal.SignUp>({
      method: 'post',
      path: '/me/sign-up',
      operationId: 'selfSignUp',
      summary: 'Create your own account (when the admin allows self sign-up); you get the subscriber role',
      tag: 'Sign-up',
      access: 'public',
      body: ref('SignUp'),
      responses: { 201: { description: 'Your account', schema: { type: 'object' } } },
      async handle({ body }) {
        const setting = await prisma.systemSetting.findUnique({ where: { key: 'selfSignUp' } });
        const value = (setting?.value ?? {}) as { enabled?: boolean; roles?: string[] };
        if (value.enabled !== true) throw new HttpError(403, 'Self sign-up is disabled');
        const roles = value.roles?.length ? value.roles : [Roles.subscriber];
        const user = await createAccount(prisma, { ...body, roles });
        return { status: 201, body: userDto(user) };
      },
    }),
  ] as OperationSpec<never, never>[];
}

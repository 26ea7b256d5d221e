/** Users and roles (admin) and self sign-up (developer portal). */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { signUpOperations } from './sign-up-operations.js';
import { userOperations } from './users.js';

export function adminOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return userOperations(ctx);
}

export function devportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return signUpOperations(ctx);
}

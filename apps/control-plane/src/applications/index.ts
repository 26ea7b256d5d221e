/** The applications domain: applications, their OAuth keys, tokens and API keys. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { apiKeyOperations } from './api-keys.js';
import { applicationOperations } from './application-operations.js';
import { keyOperations } from './oauth-key-operations.js';
import { tokenOperations } from './tokens.js';

export function devportalOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return [
    ...applicationOperations(ctx),
    ...keyOperations(ctx),
    ...tokenOperations(ctx),
    ...apiKeyOperations(ctx),
  ];
}

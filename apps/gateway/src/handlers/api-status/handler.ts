import type { HandlerModule } from '../../pipeline/handler-module.js';
import { errorResponse } from '../../pipeline/respond.js';
import { schema, type ApiStatusConfig } from './schema.js';

/**
 * A BLOCKED API answers 503 / 700700 without reaching its backend; a RETIRED one that is still
 * deployed is no longer served (404). Other states pass: PROTOTYPED APIs are open by design (see
 * the authentication handler), DEPRECATED ones still serve existing subscribers.
 */
export const apiStatus: HandlerModule<ApiStatusConfig> = {
  name: 'api-status',
  schema,
  configOf: (api) =>
    api.lifecycleStatus === 'BLOCKED' || api.lifecycleStatus === 'RETIRED'
      ? { lifecycleStatus: api.lifecycleStatus }
      : null,
  create(config) {
    const response =
      config.lifecycleStatus === 'BLOCKED'
        ? errorResponse('API_BLOCKED')
        : errorResponse('NO_MATCHING_RESOURCE', 'The API has been retired');
    return { name: 'api-status', onRequest: () => response };
  },
};

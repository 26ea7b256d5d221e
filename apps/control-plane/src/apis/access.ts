/** Who may call the publisher's API operations, and the API id every path under /apis/{apiId} takes. */
import { Scopes } from '@apim/contracts';
import { uuid } from '@apim/rest-contract';

export const view = [Scopes.apiView, Scopes.apiCreate, Scopes.apiPublish];
export const create = [Scopes.apiCreate];
export const publish = [Scopes.apiPublish];
export const apiIdParam = { apiId: uuid };

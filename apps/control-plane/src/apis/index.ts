/** The APIs domain: APIs, their definitions, lifecycle, revisions and deployments, scopes, documents and client certificates. */
import type { AppContext } from '../context.js';
import type { OperationSpec } from '../http/rest-api.js';
import { apiOperations } from './api-operations.js';
import { asyncApiPublisherOperations } from './asyncapi/index.js';
import { clientCertificateOperations } from './client-certificates.js';
import { definitionOperations } from './definition-operations.js';
import { graphqlPublisherOperations } from './graphql/index.js';
import { publisherDocumentOperations } from './documents.js';
import { lifecycleOperations } from './lifecycle-operations.js';
import { revisionOperations } from './revision-operations.js';
import { sharedScopeOperations } from './scopes.js';

export function publisherOperations(ctx: AppContext): OperationSpec<never, never>[] {
  return [
    ...apiOperations(ctx),
    ...definitionOperations(ctx),
    ...graphqlPublisherOperations(ctx),
    ...asyncApiPublisherOperations(ctx),
    ...lifecycleOperations(ctx),
    ...revisionOperations(ctx),
    ...sharedScopeOperations(ctx),
    ...publisherDocumentOperations(ctx),
    ...clientCertificateOperations(ctx),
  ];
}

import type { GatewayApi, GatewayOperation } from '@apim/contracts';

/**
 * A GraphQL API answers POST and GET at its context and version; its operations are root fields,
 * which the graphql handler finds in each document. The endpoint asks for credentials when any
 * field does (a document may select several), so a field open on its own still needs them.
 */
export function graphqlEndpoint(api: GatewayApi): GatewayOperation[] {
  const authEnabled = api.operations.some((o) => o.authEnabled);
  return (['POST', 'GET'] as const).map((verb) => ({
    verb,
    target: '/',
    authEnabled,
    scopes: [],
    throttlingPolicy: null,
    operationPolicies: null,
  }));
}

import type { GatewayApi, GatewayOperation } from '@apim/contracts';

/**
 * A WebSub API answers its subscribers' hub requests by POST at its context and version (WSO2's
 * gateway URL of the API is its hub); its operations are topics, named in the request's hub.topic,
 * which the control plane's hub checks. The endpoint asks for credentials when any topic does.
 */
export function websubHubEndpoint(api: GatewayApi): GatewayOperation[] {
  return [
    {
      verb: 'POST',
      target: '/',
      authEnabled: api.operations.some((o) => o.authEnabled),
      scopes: [],
      throttlingPolicy: null,
      operationPolicies: null,
    },
  ];
}

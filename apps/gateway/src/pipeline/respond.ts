import { GatewayErrors, gatewayErrorBody, type GatewayErrorName } from '@apim/contracts';
import type { GatewayResponse } from './types.js';

/** An error answered by the gateway, in WSO2's JSON shape, from the one registry of codes. */
export function errorResponse(
  name: GatewayErrorName,
  description?: string,
  headers?: Record<string, string>,
): GatewayResponse {
  return {
    status: GatewayErrors[name].status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(gatewayErrorBody(name, description)),
    error: name,
  };
}

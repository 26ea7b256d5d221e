import { Ajv, type ValidateFunction } from 'ajv';
import type { GatewayApi } from '@apim/contracts';
import { compileBackend, type BackendPools, type BackendTarget } from '../backend/endpoints.js';
import { endpointConfigSchema } from '../backend/schema.js';
import { handlerModules } from '../handlers/index.js';
import { DeploymentError } from './deployment-error.js';
import type { GatewayDeps, HandlerModule } from './handler-module.js';
import type { Handler } from './types.js';

/** An API ready to serve: its handler chain and backend, built once when it is deployed. */
export interface CompiledApi {
  api: GatewayApi;
  handlers: Handler[];
  /** some handler reads the request body, so it is buffered for this API */
  needsBody: boolean;
  backend: BackendTarget;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<HandlerModule<unknown>, ValidateFunction>(
  handlerModules.map((m) => [m, ajv.compile(m.schema)]),
);
const validateEndpoints = ajv.compile(endpointConfigSchema);

/** Builds an API's pipeline; throws DeploymentError when a handler's config is invalid. */
export function compileApi(api: GatewayApi, deps: GatewayDeps, pools: BackendPools): CompiledApi {
  if (!validateEndpoints(api.endpointConfig))
    throw new DeploymentError(`endpointConfig is invalid: ${ajv.errorsText(validateEndpoints.errors)}`);
  const handlers: Handler[] = [];
  for (const m of handlerModules) {
    const config = m.configOf(api, deps);
    if (config === null) continue;
    const validate = validators.get(m)!;
    if (!validate(config)) throw new DeploymentError(`${m.name}: ${ajv.errorsText(validate.errors)}`);
    handlers.push(m.create(config, deps, api));
  }
  return {
    api,
    handlers,
    needsBody: handlers.some((h) => h.needsBody),
    backend: compileBackend(api.endpointConfig, pools, deps.config.backend.timeoutMs),
  };
}

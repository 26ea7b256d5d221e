import { Ajv, type ValidateFunction } from 'ajv';
import type { GatewayApi } from '@apim/contracts';
import { compileBackend, type BackendPools, type BackendTarget } from '../backend/endpoints.js';
import { endpointConfigSchema } from '../backend/schema.js';
import { DeploymentError } from './deployment-error.js';
import type { HandlerModule, HandlerServices, Shared } from './handler-module.js';
import type { Handler } from './types.js';

/** An API ready to serve: its handler chain and backend, built once when it is deployed. */
export interface CompiledApi {
  api: GatewayApi;
  handlers: Handler[];
  /** some handler reads the request body, so it is buffered for this API */
  needsBody: boolean;
  /** some handler has a response-data phase, so gateway answers go through it as buffers */
  dataPhase: boolean;
  backend: BackendTarget;
}

/** A handler module with its services built for this node and its config validator compiled. */
interface InstalledHandler {
  module: HandlerModule<unknown>;
  services: HandlerServices;
  validate: ValidateFunction;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateEndpoints = ajv.compile(endpointConfigSchema);

/** The handlers of one gateway node, in chain order, each with its services. */
export class HandlerSet {
  private constructor(private readonly installed: InstalledHandler[]) {}

  /** Runs every module's `init` once, in list order. */
  static async install(modules: ReadonlyArray<HandlerModule<unknown>>, shared: Shared): Promise<HandlerSet> {
    const installed: InstalledHandler[] = [];
    for (const module of modules)
      installed.push({
        module,
        services: module.init ? await module.init(shared) : {},
        validate: ajv.compile(module.schema),
      });
    return new HandlerSet(installed);
  }

  /** Builds an API's pipeline; throws DeploymentError when a handler's config is invalid. */
  compile(api: GatewayApi, pools: BackendPools, backendTimeoutMs: number): CompiledApi {
    if (!validateEndpoints(api.endpointConfig))
      throw new DeploymentError(`endpointConfig is invalid: ${ajv.errorsText(validateEndpoints.errors)}`);
    const handlers: Handler[] = [];
    for (const { module, services, validate } of this.installed) {
      const config = module.configOf(api, services);
      if (config === null) continue;
      if (!validate(config)) throw new DeploymentError(`${module.name}: ${ajv.errorsText(validate.errors)}`);
      handlers.push(module.create(config, services, api));
    }
    return {
      api,
      handlers,
      needsBody: handlers.some((h) => h.needsBody),
      dataPhase: handlers.some((h) => h.onResponseData),
      backend: compileBackend(api.endpointConfig, pools, backendTimeoutMs, api.operations),
    };
  }

  async close(): Promise<void> {
    for (const { services } of this.installed)
      await (services as { close?(): void | Promise<void> }).close?.();
  }
}

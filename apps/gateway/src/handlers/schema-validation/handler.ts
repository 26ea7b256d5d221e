import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import { errorResponse } from '../../pipeline/respond.js';
import { DeploymentError } from '../../pipeline/deployment-error.js';
import { schema, type SchemaValidationConfig } from './schema.js';

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

interface OperationSchemas {
  required: boolean;
  json: ValidateFunction | null;
}

/**
 * Opt-in per API: a JSON request body must match the operation's requestBody schema in the API's
 * OpenAPI document (compiled with ajv when the API is deployed). Failures answer 400 / 900402 with
 * the JSON pointer of the first failing value; a body that is not JSON at all answers 400 / 900400.
 */
export const schemaValidation: HandlerModule<SchemaValidationConfig> = {
  name: 'schema-validation',
  schema,
  configOf: (api) =>
    api.enableSchemaValidation && api.definition
      ? { definition: api.definition as SchemaValidationConfig['definition'] }
      : null,
  create(config, _services, api) {
    // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (nullable, example, ...).
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
    addFormats.default(ajv);
    try {
      ajv.addSchema(config.definition, 'openapi');
    } catch (e) {
      throw new DeploymentError(`the OpenAPI document is not usable for validation: ${(e as Error).message}`);
    }
    const byOperation = new Map<string, OperationSchemas>();
    for (const op of api.operations) {
      const item = config.definition.paths[op.target] as
        Record<string, { requestBody?: unknown }> | undefined;
      const body = item?.[op.verb.toLowerCase()]?.requestBody as
        { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      if (!body) continue;
      const jsonType = Object.keys(body.content ?? {}).find(
        (t) => t === 'application/json' || t.endsWith('+json'),
      );
      let json: ValidateFunction | null = null;
      if (jsonType && body.content?.[jsonType]?.schema !== undefined) {
        try {
          json = ajv.compile({
            $ref: `openapi#/${pointer('paths', op.target, op.verb.toLowerCase(), 'requestBody', 'content', jsonType, 'schema')}`,
          });
        } catch (e) {
          throw new DeploymentError(
            `${op.verb} ${op.target}: the request schema does not compile: ${(e as Error).message}`,
          );
        }
      }
      byOperation.set(`${op.verb} ${op.target}`, { required: body.required === true, json });
    }
    return {
      name: 'schema-validation',
      needsBody: true,
      async onRequest(ctx) {
        const rules = byOperation.get(`${ctx.operation.verb} ${ctx.operation.target}`);
        if (!rules) return undefined;
        const body = await ctx.body();
        if (body.kind === 'empty')
          return rules.required
            ? errorResponse('SCHEMA_VALIDATION_FAILED', 'The request body is required')
            : undefined;
        if (!rules.json || body.kind !== 'json') return undefined;
        if (rules.json(body.value)) return undefined;
        const e = rules.json.errors?.[0];
        return errorResponse(
          'SCHEMA_VALIDATION_FAILED',
          `The request body does not match the API definition at "${e?.instancePath ?? ''}": ${e?.message ?? 'invalid'}`,
        );
      },
    };
  },
};

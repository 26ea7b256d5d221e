/** A document checked against its kind's JSON Schema (ajv, JSON Schema 2020-12, with formats). */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { messagesOfAjv, type PointedMessage } from './messages.js';
import { manifestKindSchemas } from './schemas/index.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

/** The validator of `<apiVersion>/<kind>`, compiled on first use; undefined for an unknown kind. */
function validatorOf(key: string): ValidateFunction | undefined {
  const schema = manifestKindSchemas[key];
  if (!schema) return undefined;
  let validate = validators.get(key);
  if (!validate) {
    // verbose: the errors carry their schema, so an unknown field's message can list the known ones
    ajv ??= addFormats(new Ajv2020({ strict: false, allErrors: true, verbose: true }));
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

export const KNOWN_KINDS = Object.keys(manifestKindSchemas);

/** What is wrong with a document by its kind's schema: an empty list when nothing is. */
export function checkSchema(manifest: Record<string, unknown>): PointedMessage[] {
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || !apiVersion)
    return [
      {
        pointer: '/apiVersion',
        message: 'apiVersion is required (e.g. gateway.kyma-project.io/v2 or apim.io/v1)',
      },
    ];
  if (typeof kind !== 'string' || !kind)
    return [{ pointer: '/kind', message: 'kind is required (e.g. APIRule, API, Application)' }];
  const validate = validatorOf(`${apiVersion}/${kind}`);
  if (!validate) {
    const known = KNOWN_KINDS.map((k) => k.replace(/\/([^/]+)$/, ' $1')).join(', ');
    return [
      {
        pointer: '/kind',
        message: `${apiVersion} ${kind} is not a kind this product knows; known: ${known}`,
      },
    ];
  }
  return validate(manifest) ? [] : messagesOfAjv(validate.errors ?? []);
}

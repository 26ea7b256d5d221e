/** Every manifest kind's JSON Schema, by `<apiVersion>/<kind>` (the control plane serves them). */
import type { JsonSchema } from '@apim/rest-contract';
import { kymaSchemas } from './kyma.js';
import { productSchemas } from './product.js';

export const manifestKindSchemas: Record<string, JsonSchema> = { ...kymaSchemas, ...productSchemas };

export { APIRULE_V1BETA1, APIRULE_V2, KYMA_METHODS } from './kyma.js';
export { PRODUCT_API_VERSION } from './product.js';

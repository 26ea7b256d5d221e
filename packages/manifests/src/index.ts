/**
 * Manifests: Kyma's APIRule (v2, and v1beta1 converted as Kyma converts it) and the product's own
 * kinds (apim.io/v1): their JSON Schemas, parsing, validation and translation into the objects the
 * control plane reconciles. Browser-safe; reading files is in `@apim/manifests/files`.
 */
export { manifestKindSchemas, APIRULE_V1BETA1, APIRULE_V2, PRODUCT_API_VERSION } from './schemas/index.js';
export { parseManifestText } from './parse.js';
export { validateManifests } from './validate.js';
export { DEFAULT_SERVICE_URL_TEMPLATE } from './types.js';
export type * from './types.js';

/**
 * The components (#/components/schemas) of each REST API's OpenAPI document, in the order the
 * documents list them. The control plane serves and validates with these; the types in
 * ./generated are generated from them.
 */
import { adminSchemaSets } from './admin.js';
import { analyticsSchemas } from './analytics.js';
import { authorizerSchemas, manifestSchemas, ruleSchemas } from './declarative.js';
import { devportalSchemas } from './devportal.js';
import { documentSchemas } from './documents.js';
import type { JsonSchema } from './json-schema.js';
import { clientCertificateSchemas, publisherKeyManagerSchemas, publisherSchemas } from './publisher.js';

export type Components = Record<string, JsonSchema>;

export const publisherComponents: Components = {
  ...publisherSchemas,
  ...ruleSchemas,
  ...documentSchemas,
  ...clientCertificateSchemas,
  ...publisherKeyManagerSchemas,
  ...analyticsSchemas,
};

export const devportalComponents: Components = {
  ...devportalSchemas,
  ...documentSchemas,
  ...analyticsSchemas,
};

export const adminComponents: Components = {
  ...adminSchemaSets,
  ...authorizerSchemas,
  ...manifestSchemas,
  ...analyticsSchemas,
};

/** Each REST API's components by the name of its generated types module (src/generated/<name>.ts). */
export const restApiComponents = {
  publisher: publisherComponents,
  devportal: devportalComponents,
  admin: adminComponents,
} as const;

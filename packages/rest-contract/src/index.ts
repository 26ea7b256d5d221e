/**
 * The REST contract: the JSON Schemas of the control plane's REST resources (served in each API's
 * OpenAPI document and used to validate requests), the TypeScript types generated from them, and
 * the defaults of their fields. Plain data and types: safe for the browser (the console) and Node.
 */
export * from './json-schema.js';
export * from './defaults.js';
export * from './components.js';
export {
  API_TYPES,
  ASYNC_VERBS,
  GRAPHQL_VERBS,
  HTTP_VERBS,
  LIFECYCLE_ACTIONS,
  LIFECYCLE_STATES,
  clientCertificateFields,
} from './publisher.js';
export { GRANT_TYPES, keyType } from './devportal.js';
export { TIME_UNITS as THROTTLE_TIME_UNITS, WSO2_WORKFLOW_TYPES, email, username } from './admin.js';
export { TOP as ANALYTICS_TOP } from './analytics.js';
export { DEPLOYMENT_STATES, MANIFEST_STATES } from './declarative.js';

/** The publisher API's resources (#/components/schemas of /api/am/publisher/v4/openapi.json). */
export type * as Publisher from './generated/publisher.js';
/** The developer portal API's resources (/api/am/devportal/v3). */
export type * as Devportal from './generated/devportal.js';
/** The admin API's resources (/api/am/admin/v4). */
export type * as Admin from './generated/admin.js';

/**
 * A resource as the server answers it when it sends every field its schema declares: the schema's
 * optional fields (optional in a request) made required. The control plane types the builders of
 * such answers with it, so the type checker holds it to that; the console reads them with it.
 */
export type Complete<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/**
 * A resource as answered, with the named fields present: read-only ones (ids, timestamps) that a
 * request leaves out but every answer carries, where the rest of the resource is not Complete
 * (e.g. it has write-only fields, never answered).
 */
export type Answered<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> };

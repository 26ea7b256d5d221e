/**
 * JSON Schemas of the product's own kinds (apiVersion apim.io/v1): each spec is the REST resource's
 * writable fields, taken from the REST contract (so a field added there is a field of the manifest),
 * closed to unknown fields, plus what a manifest says beyond the resource (an API's lifecycle status
 * and deployments, an application's key pairs).
 */
import {
  LIFECYCLE_STATES,
  adminComponents,
  devportalComponents,
  publisherComponents,
  type JsonSchema,
} from '@apim/rest-contract';
import { selfContained } from './defs.js';

export const PRODUCT_API_VERSION = 'apim.io/v1';

type Properties = Record<string, JsonSchema>;

function propertiesOf(components: Record<string, JsonSchema>, name: string): Properties {
  const properties = components[name]?.properties;
  if (!properties) throw new Error(`the REST contract's ${name} has no properties`);
  return properties as Properties;
}

/** The writable fields of a resource: read-only ones and those named in `omit` left out. */
function writable(properties: Properties, omit: string[] = []): Properties {
  return Object.fromEntries(
    Object.entries(properties).filter(([key, schema]) => !omit.includes(key) && !schema.readOnly),
  );
}

const closed = (properties: Properties, required: string[] = []): JsonSchema => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});

function kind(
  kindName: string,
  name: JsonSchema,
  spec: JsonSchema,
  components: Record<string, JsonSchema>,
  nameRequired = true,
) {
  const schema: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${PRODUCT_API_VERSION} ${kindName}`,
    type: 'object',
    required: ['apiVersion', 'kind', ...(nameRequired ? ['metadata'] : []), 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: PRODUCT_API_VERSION },
      kind: { const: kindName },
      metadata: closed(
        { name, labels: { type: 'object', additionalProperties: { type: 'string' } } },
        nameRequired ? ['name'] : [],
      ),
      spec,
    },
  };
  return [`${PRODUCT_API_VERSION}/${kindName}`, selfContained(schema, components)] as const;
}

const api = propertiesOf(publisherComponents, 'API');
const apiSpec = closed(
  {
    ...writable(api, ['name', 'type', 'transport']),
    definition: { type: 'object', description: 'the OpenAPI definition, inline' },
    definitionFile: {
      type: 'string',
      minLength: 1,
      description: 'a file holding the OpenAPI definition, relative to the manifest (read by the CLI)',
    },
    lifecycleStatus: { enum: [...LIFECYCLE_STATES], default: 'CREATED' },
    deployments: {
      type: 'array',
      default: [],
      items: closed(
        {
          environment: { type: 'string', minLength: 1 },
          vhost: { type: 'string', minLength: 1 },
          displayOnDevportal: { type: 'boolean' },
        },
        ['environment'],
      ),
    },
  },
  ['version', 'context'],
);

const application = propertiesOf(devportalComponents, 'Application');
const userName = { type: 'string', minLength: 1, maxLength: 64 };
const applicationSpec = closed(
  {
    owner: userName,
    ...writable(application, ['name', 'groups']),
    keys: {
      type: 'array',
      items: closed(
        {
          keyType: { enum: ['PRODUCTION', 'SANDBOX'] },
          grantTypes: (devportalComponents.ApplicationKeyGenerateRequest?.properties as Properties)
            .grantTypesToBeSupported as JsonSchema,
          callbackUrl: { type: 'string', minLength: 1 },
        },
        ['keyType', 'grantTypes'],
      ),
    },
  },
  ['throttlingPolicy'],
);

const subscriptionSpec = closed(
  {
    application: closed({ name: application.name as JsonSchema, owner: userName }, ['name']),
    api: closed({ name: api.name as JsonSchema, version: api.version as JsonSchema }, ['name', 'version']),
    throttlingPolicy: { type: 'string', minLength: 1 },
  },
  ['application', 'api', 'throttlingPolicy'],
);

const policy = propertiesOf(adminComponents, 'ThrottlePolicy');
const policySpec = closed(
  {
    policyType: {
      enum: ['subscription', 'application', 'advanced'],
      description: 'as the admin REST API names its policy paths (/throttling/policies/<policyType>)',
    },
    ...writable(policy, ['policyName']),
  },
  ['policyType', 'defaultLimit'],
);

const keyManager = propertiesOf(adminComponents, 'KeyManager');
const environment = propertiesOf(adminComponents, 'Environment');

/** The JSON Schema of each product kind, by `<apiVersion>/<kind>`. */
export const productSchemas: Record<string, JsonSchema> = Object.fromEntries([
  kind('API', api.name as JsonSchema, apiSpec, publisherComponents),
  kind('Application', application.name as JsonSchema, applicationSpec, devportalComponents),
  kind(
    'Subscription',
    { type: 'string', minLength: 1, maxLength: 255 },
    subscriptionSpec,
    publisherComponents,
    false,
  ),
  kind('ThrottlingPolicy', policy.policyName as JsonSchema, policySpec, adminComponents),
  kind(
    'KeyManager',
    keyManager.name as JsonSchema,
    closed(writable(keyManager, ['name']), ['audience']),
    adminComponents,
  ),
  kind(
    'Environment',
    environment.name as JsonSchema,
    closed(writable(environment, ['name']), ['vhosts']),
    adminComponents,
  ),
]);

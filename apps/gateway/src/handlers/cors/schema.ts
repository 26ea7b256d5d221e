/** With CORS off (only the backend's CORS headers removed) the policy's lists are not needed. */
export const schema = {
  type: 'object',
  if: { required: ['corsConfigurationEnabled'], properties: { corsConfigurationEnabled: { const: true } } },
  then: {
    required: [
      'accessControlAllowOrigins',
      'accessControlAllowCredentials',
      'accessControlAllowHeaders',
      'accessControlAllowMethods',
    ],
  },
  properties: {
    corsConfigurationEnabled: { type: 'boolean' },
    accessControlAllowOrigins: { type: 'array', items: { type: 'string', minLength: 1 } },
    accessControlAllowCredentials: { type: 'boolean' },
    accessControlAllowHeaders: {
      type: 'array',
      items: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    },
    accessControlAllowMethods: {
      type: 'array',
      items: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
    },
    accessControlExposeHeaders: {
      type: 'array',
      items: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    },
    accessControlAllowOriginMatchers: {
      type: 'array',
      items: {
        oneOf: ['exact', 'prefix', 'regex'].map((kind) => ({
          type: 'object',
          required: [kind],
          additionalProperties: false,
          properties: { [kind]: { type: 'string', minLength: 1 } },
        })),
      },
    },
    accessControlMaxAge: { type: 'integer', minimum: 0 },
    removeBackendCorsHeaders: { type: 'boolean' },
  },
} as const;
